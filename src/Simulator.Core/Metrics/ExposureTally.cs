using Simulator.Core.Checkpoints;
namespace Simulator.Core.Metrics;

/// <summary>
/// Item exposure counts of one world: this tick's (for coverage and gini) and cumulative over
/// earlier ticks (the popularity behind novelty). Shards count into their own arrays, folded in
/// shard order, so counts never depend on scheduling. Where shards x items would be too large to
/// hold per shard, one pass after scoring counts instead (same integers, so the same result).
/// </summary>
internal sealed class ExposureTally : ICheckpointable
{
    /// <summary>Per-shard arrays are used while shards x items stays at or below this many counts (32 MB per world).</summary>
    public const long MaxShardCounts = 4L << 20;

    private readonly long[][]? _perShard;

    /// <summary>
    /// Counts for <paramref name="items"/> items over <paramref name="shards"/> shards;
    /// <paramref name="alwaysPerShard"/> keeps per-shard arrays whatever the size (a one-shard process
    /// sends its array to the other shards).
    /// </summary>
    public ExposureTally(int items, int shards, bool alwaysPerShard = false)
    {
        Items = items;
        Tick = new long[items];
        Cumulative = new long[items];
        SelfInformation = new double[items];
        if (alwaysPerShard || (long)items * shards <= MaxShardCounts)
        {
            _perShard = new long[shards][];
            for (var s = 0; s < shards; s++)
            {
                _perShard[s] = new long[items];
            }
        }

        RankingMetrics.SelfInformation(Cumulative, SelfInformation);
    }

    public int Items { get; }

    /// <summary>Exposures this tick per item (valid after <see cref="EndTick"/>).</summary>
    public long[] Tick { get; }

    /// <summary>Exposures per item over all ticks before the current one.</summary>
    public long[] Cumulative { get; }

    /// <summary>-log2 smoothed popularity per item from <see cref="Cumulative"/>: what novelty averages.</summary>
    public double[] SelfInformation { get; }

    /// <summary>Cumulative exposure drives novelty in later ticks; per-tick and per-shard counts are rebuilt every tick.</summary>
    public void ExchangeState(StateExchange state)
    {
        state.Longs("cumulative", Cumulative);
        state.Doubles("selfInformation", SelfInformation);
    }

    /// <summary>The count array a shard writes into, or null when counting happens in <see cref="EndTick"/>.</summary>
    public long[]? ShardCounts(int shard) => _perShard?[shard];

    /// <summary>Clears the shard arrays before scoring.</summary>
    public void BeginTick()
    {
        if (_perShard is not null)
        {
            foreach (var counts in _perShard)
            {
                Array.Clear(counts);
            }
        }
    }

    /// <summary>
    /// Without per-shard arrays, counts this tick's slates of active users directly (in the world's
    /// turn of the tick, while its slates are its own); with them, does nothing (the shards counted).
    /// </summary>
    public void CountSlates(byte[] active, int[] slates, int k)
    {
        if (_perShard is not null)
        {
            return;
        }

        Array.Clear(Tick);
        for (var u = 0; u < active.Length; u++)
        {
            if (active[u] != 0)
            {
                foreach (var item in slates.AsSpan(u * k, k))
                {
                    Tick[item]++;
                }
            }
        }
    }

    /// <summary>
    /// Folds every shard's counts in shard order (<paramref name="shardCounts"/>: this process's
    /// <see cref="ShardCounts"/>, or all shards' when they ran elsewhere), or, without per-shard
    /// arrays, keeps what <see cref="CountSlates"/> counted; then adds this tick to the cumulative
    /// counts and refreshes the self-information for the next tick.
    /// </summary>
    public void EndTick(IReadOnlyList<long[]?> shardCounts)
    {
        if (_perShard is not null)
        {
            Array.Clear(Tick);
            foreach (var counts in shardCounts)
            {
                for (var i = 0; i < Items; i++)
                {
                    Tick[i] += counts![i];
                }
            }
        }

        for (var i = 0; i < Items; i++)
        {
            Cumulative[i] += Tick[i];
        }

        RankingMetrics.SelfInformation(Cumulative, SelfInformation);
    }
}
