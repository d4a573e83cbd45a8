using Orleans;
using Orleans.Concurrency;
using Simulator.Cluster.Codecs;

namespace Simulator.Cluster.Grains;

/// <summary>
/// Runs one logical shard of one seed (the users of <c>ShardLayout.OneShardOf</c>) on its silo.
/// Key: (shard index, "{run id}/seed{i}"); the coordinator places shard s on its (s mod silos)-th
/// silo through the placement hint, and the grain never moves while the seed runs.
/// </summary>
public interface IShardWorkerGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>
    /// Simulates the shard's users for every tick of seed <paramref name="seedIndex"/>, meeting the other
    /// shards at <paramref name="exchangeKey"/>'s exchange grain at every cross-user reduction; each
    /// exchange waits at most <paramref name="exchangeWait"/>. With <paramref name="ticks"/>, the shard
    /// saves its users' state every <c>ticks.Every</c> ticks and, when <paramref name="fromTick"/> is
    /// positive, starts from its save at that tick. The bound on the whole call is the caller's cancellation.
    /// </summary>
    [ResponseTimeout("12:00:00")]
    Task<ShardRun> RunShard(
        string scenarioJson, int seedIndex, string exchangeKey, TimeSpan exchangeWait, SeedTickCheckpoints? ticks, int fromTick, CancellationToken cancellation);

    /// <summary>Values [offset, offset + count) of the seed's series (the same on every shard), laid out [strategy][tick][metric].</summary>
    Task<DoubleBlock> FetchSeries(int offset, int count);
}

/// <summary>
/// The tick barrier of one seed split over shard grains: each cross-user reduction is one round in
/// which every shard hands in its encoded partial and gets all of them back, in shard order.
/// Key: "{run id}/seed{i}". Reentrant: every shard's call waits here at once.
/// </summary>
public interface IShardExchangeGrain : IGrainWithStringKey
{
    /// <summary>Readies the exchange for <paramref name="shards"/> shards (called by the coordinator before any shard starts).</summary>
    Task Open(int shards);

    /// <summary>Hands in shard <paramref name="shard"/>'s partial of round <paramref name="round"/>; returns every shard's once all are in.</summary>
    [AlwaysInterleave]
    Task<byte[][]> Gather(int round, int shard, byte[] partial);

    /// <summary>Fails every waiting and later round with <paramref name="reason"/> (a shard was lost or failed).</summary>
    [AlwaysInterleave]
    Task Fail(string reason);
}
