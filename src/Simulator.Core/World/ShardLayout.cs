namespace Simulator.Core.World;

/// <summary>
/// The population split into a fixed number of logical shards of contiguous users. Global sums
/// are computed per shard and merged in shard order, never completion order, so results are the
/// same bytes however shards are scheduled: threads of one process, or one shard per process
/// (<c>OneShardOf</c>: shard grains on a cluster), where each reduction's partials cross processes
/// through <see cref="IShardPeers"/> and every shard folds all of them in shard order.
/// </summary>
public sealed class ShardLayout
{
    public ShardLayout(int users, int shards)
    {
        Users = users;
        Count = Math.Max(1, Math.Min(shards, users));
        TotalShards = Count;
    }

    private ShardLayout(ShardLayout whole, IShardPeers peers)
    {
        if (peers.Shard < 0 || peers.Shard >= whole.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(peers), $"shard {peers.Shard} is outside 0..{whole.Count - 1}");
        }

        FirstUser = whole.Start(peers.Shard);
        Users = whole.End(peers.Shard) - FirstUser;
        Count = 1;
        TotalShards = whole.Count;
        Peers = peers;
    }

    /// <summary>Below this many users per call, shards run one after another: waking threads costs more than the work.</summary>
    public const int ParallelThreshold = 32_768;

    /// <summary>Users this process holds (all of them, or one shard's).</summary>
    public int Users { get; }

    /// <summary>Shards this process runs (all of them, or 1 with <see cref="Peers"/>).</summary>
    public int Count { get; }

    /// <summary>The global index of local user 0: the key of every per-user random draw is FirstUser + row.</summary>
    public int FirstUser { get; }

    /// <summary>Logical shards of the whole population.</summary>
    public int TotalShards { get; }

    /// <summary>The processes running the other shards; null when this process runs every shard.</summary>
    public IShardPeers? Peers { get; }

    /// <summary>
    /// The users of one logical shard of a population of <paramref name="totalUsers"/> users in
    /// <paramref name="shards"/> shards, run by this process while <paramref name="peers"/> run the others.
    /// Columns are then <see cref="Users"/> rows long; row u is global user <see cref="FirstUser"/> + u.
    /// </summary>
    public static ShardLayout OneShardOf(int totalUsers, int shards, IShardPeers peers) => new(new ShardLayout(totalUsers, shards), peers);

    /// <summary>First user of shard <paramref name="shard"/> of this process (a row index).</summary>
    public int Start(int shard) => (int)((long)shard * Users / Count);

    /// <summary>One past the last user of shard <paramref name="shard"/> of this process.</summary>
    public int End(int shard) => (int)((long)(shard + 1) * Users / Count);

    /// <summary>
    /// Computes one partial result per shard (in parallel) and folds them in shard order. Across
    /// processes each shard's partial travels through <paramref name="codec"/>.
    /// </summary>
    public TResult Reduce<TPartial, TResult>(
        ParallelOptions parallel,
        Func<int, int, TPartial> partial,
        TResult seed,
        Func<TResult, TPartial, TResult> fold,
        IPartialCodec<TPartial> codec) =>
        Reduce(parallel, (_, start, end) => partial(start, end), seed, fold, codec);

    /// <summary>As the other Reduce, with the shard's buffer index (0 in a one-shard process) passed to the partial.</summary>
    public TResult Reduce<TPartial, TResult>(
        ParallelOptions parallel,
        Func<int, int, int, TPartial> partial,
        TResult seed,
        Func<TResult, TPartial, TResult> fold,
        IPartialCodec<TPartial> codec)
    {
        if (Peers is null)
        {
            return ReduceInProcess(parallel, partial, seed, fold);
        }

        var mine = partial(0, 0, Users);
        var all = Peers.AllGather(codec.Encode(mine));
        if (all.Count != TotalShards)
        {
            throw new InvalidOperationException($"shard {Peers.Shard} received {all.Count} partials from its peers; the population has {TotalShards} shards");
        }

        var result = seed;
        for (var s = 0; s < all.Count; s++)
        {
            result = fold(result, s == Peers.Shard ? mine : codec.Decode(all[s]));
        }

        return result;
    }

    /// <summary>
    /// A reduction whose partials have no codec (strategies that cannot run on shard grains):
    /// only in a process that runs every shard.
    /// </summary>
    public TResult Reduce<TPartial, TResult>(
        ParallelOptions parallel,
        Func<int, int, TPartial> partial,
        TResult seed,
        Func<TResult, TPartial, TResult> fold)
    {
        if (Peers is not null)
        {
            throw new InvalidOperationException($"a reduction without a partial codec ran on shard {Peers.Shard} of {TotalShards}; only strategies marked as running on shards may run there");
        }

        return ReduceInProcess(parallel, (_, start, end) => partial(start, end), seed, fold);
    }

    /// <summary>
    /// Folds per-shard partials over the users of this process only, in shard order: for checks
    /// that are local by nature (the numerical guard). Population-wide results use Reduce.
    /// </summary>
    public TResult ReduceInProcess<TPartial, TResult>(
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
