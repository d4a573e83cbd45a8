namespace Simulator.Core.World;

/// <summary>
/// The population split into a fixed number of logical shards of contiguous users. Global sums
/// are computed per shard and merged in shard order, never completion order, so results are the
/// same bytes however shards are scheduled (threads today, machines later).
/// </summary>
public sealed class ShardLayout
{
    public ShardLayout(int users, int shards)
    {
        Users = users;
        Count = Math.Max(1, Math.Min(shards, users));
    }

    /// <summary>Below this many users per call, shards run one after another: waking threads costs more than the work.</summary>
    public const int ParallelThreshold = 32_768;

    public int Users { get; }

    public int Count { get; }

    public int Start(int shard) => (int)((long)shard * Users / Count);

    public int End(int shard) => (int)((long)(shard + 1) * Users / Count);

    /// <summary>
    /// Computes one partial result per shard (in parallel) and folds them in shard order.
    /// </summary>
    public TResult Reduce<TPartial, TResult>(
        ParallelOptions parallel,
        Func<int, int, TPartial> partial,
        TResult seed,
        Func<TResult, TPartial, TResult> fold)
    {
        var partials = new TPartial[Count];
        ForEachShard(parallel, s => partials[s] = partial(Start(s), End(s)));
        var result = seed;
        foreach (var p in partials)
        {
            result = fold(result, p);
        }

        return result;
    }

    /// <summary>As the other Reduce, with the shard index passed to the partial (for per-shard buffers).</summary>
    public TResult Reduce<TPartial, TResult>(
        ParallelOptions parallel,
        Func<int, int, int, TPartial> partial,
        TResult seed,
        Func<TResult, TPartial, TResult> fold)
    {
        var partials = new TPartial[Count];
        ForEachShard(parallel, s => partials[s] = partial(s, Start(s), End(s)));
        var result = seed;
        foreach (var p in partials)
        {
            result = fold(result, p);
        }

        return result;
    }

    /// <summary>Runs an action per shard in parallel (per-user work that writes disjoint rows).</summary>
    public void ForEach(ParallelOptions parallel, Action<int, int> body) =>
        ForEachShard(parallel, s => body(Start(s), End(s)));

    private void ForEachShard(ParallelOptions parallel, Action<int> body)
    {
        if (Users < ParallelThreshold || parallel.MaxDegreeOfParallelism == 1)
        {
            for (var s = 0; s < Count; s++)
            {
                parallel.CancellationToken.ThrowIfCancellationRequested();
                body(s);
            }

            return;
        }

        Parallel.For(0, Count, parallel, body);
    }
}
