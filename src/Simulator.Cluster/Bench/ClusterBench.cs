using Orleans;
using Simulator.Cluster.Codecs;
using Simulator.Core.Statistics;

namespace Simulator.Cluster.Bench;

/// <summary>Cluster bench figures: barrier round trip per tick with no work, and shard-to-shard transfer rates.</summary>
public sealed record ClusterBenchResult(
    int Silos,
    int Shards,
    IReadOnlyList<string> ShardSilos,
    int Ticks,
    double MedianMsPerTick,
    double P90MsPerTick,
    double MinMsPerTick,
    string TransferFrom,
    string TransferTo,
    int RawBytes,
    double RawMbPerSecond,
    int PlainBytes,
    double PlainMbPerSecond,
    int ExchangeRounds,
    int ExchangePayloadBytes,
    double ExchangeMedianMs,
    double ExchangeP90Ms);

/// <summary>
/// Measures a cluster's coordination overhead (the coordinator's tick barrier over shard probes
/// that do no work, and the shard grains' own exchange round: every shard hands a partial to the
/// seed's exchange grain and waits for all of them, from a blocking simulation thread) and the
/// transfer rate between two shards on different silos, with the raw-copy block codec and, for
/// comparison, Orleans' element-wise float[] codec.
/// </summary>
public static class ClusterBench
{
    public static async Task<ClusterBenchResult> RunAsync(IClusterClient client, int silos, int shards, int ticks, int rawBytes, int plainBytes)
    {
        var benchId = Guid.NewGuid().ToString("N");
        var probes = Enumerable.Range(0, shards).Select(s => client.GetGrain<IShardProbeGrain>(s, benchId)).ToArray();
        var where = await Task.WhenAll(probes.Select(p => p.Where())).ConfigureAwait(false);
        var timings = await client.GetGrain<IBarrierProbeGrain>(benchId).Barrier(shards, Math.Max(10, ticks / 5), ticks).ConfigureAwait(false);

        // Slots 0 and 1 sit on the first two silos in address order: a transfer between silos when there are two or more.
        var sender = probes[0];
        var receiver = probes[Math.Min(1, shards - 1)];
        await sender.SendTo(receiver, Math.Min(rawBytes, Chunking.MaxChunkBytes), raw: true).ConfigureAwait(false);
        var rawSeconds = await sender.SendTo(receiver, rawBytes, raw: true).ConfigureAwait(false);
        var plainSeconds = await sender.SendTo(receiver, plainBytes, raw: false).ConfigureAwait(false);

        // A split seed's exchange round: the size of one world's score partial (metric sums, no exposure).
        const int payload = 256;
        var exchangeKey = Grains.ShardKeys.Of(benchId, 0);
        await client.GetGrain<Grains.IShardExchangeGrain>(exchangeKey).Open(shards).ConfigureAwait(false);
        var warmup = Math.Max(10, ticks / 5);
        var perShard = await Task.WhenAll(probes.Select(p => p.ExchangeRounds(exchangeKey, warmup + ticks, payload))).ConfigureAwait(false);

        // A round ends for the run when its last shard has it: the slowest shard's time, per round.
        var rounds = Enumerable.Range(warmup, ticks).Select(r => perShard.Max(t => t[r])).Order().ToArray();

        var sorted = timings.Order().ToArray();
        return new ClusterBenchResult(
            silos,
            shards,
            where,
            ticks,
            Quantiles.OfSorted(sorted, 0.5),
            Quantiles.OfSorted(sorted, 0.9),
            sorted[0],
            where[0],
            where[Math.Min(1, shards - 1)],
            rawBytes,
            rawBytes / 1e6 / rawSeconds,
            plainBytes,
            plainBytes / 1e6 / plainSeconds,
            ticks,
            payload,
            Quantiles.OfSorted(rounds, 0.5),
            Quantiles.OfSorted(rounds, 0.9));
    }
}
