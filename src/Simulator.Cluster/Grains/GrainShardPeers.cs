using Simulator.Core.World;

namespace Simulator.Cluster.Grains;

/// <summary>
/// Core's view of the other shards of a seed, over its exchange grain. Called from the shard's
/// simulation thread (never a grain turn), which blocks until the round is complete, the wait
/// runs out or the run is cancelled.
/// </summary>
internal sealed class GrainShardPeers(IShardExchangeGrain exchange, int shard, TimeSpan wait, CancellationToken cancellation) : IShardPeers
{
    public int Shard { get; } = shard;

    private int _round;

    public IReadOnlyList<byte[]> AllGather(byte[] mine)
    {
        var round = _round++;
        try
        {
            return exchange.Gather(round, Shard, mine).WaitAsync(wait, cancellation).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"shard {Shard} waited more than {wait.TotalSeconds:F0} s for the other shards at exchange round {round}");
        }
    }
}
