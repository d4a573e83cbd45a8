namespace Simulator.Core.World;

/// <summary>
/// The other shards of a seed whose logical shards run in different processes (shard grains on a
/// cluster, or threads in a test). Every cross-user reduction of a shard calls <see cref="AllGather"/>
/// once, in the same order on every shard, so each call is a barrier that hands every shard all the
/// partials in shard order; each shard then folds them exactly as a single process folds its own.
/// </summary>
public interface IShardPeers
{
    /// <summary>The global index of the shard this process runs.</summary>
    int Shard { get; }

    /// <summary>Sends this shard's encoded partial and returns every shard's (its own included), in shard order.</summary>
    IReadOnlyList<byte[]> AllGather(byte[] mine);
}

/// <summary>How a reduction's partial result crosses process boundaries: exactly, so folding decoded partials gives the same bytes.</summary>
public interface IPartialCodec<T>
{
    byte[] Encode(T partial);

    T Decode(byte[] bytes);
}
