using Simulator.Core.World;

namespace Simulator.Tests.Core.Simulation;

/// <summary>
/// Shards of one run on threads of the test process: each <see cref="AllGather"/> is a barrier
/// over all of them (a second barrier keeps a fast shard from overwriting a slot before every
/// shard has read it). A stand-in for shard grains that needs no cluster.
/// </summary>
internal sealed class ThreadShardPeers(int shard, ThreadShardPeers.Group group) : IShardPeers
{
    public int Shard { get; } = shard;

    public int Rounds { get; private set; }

    public IReadOnlyList<byte[]> AllGather(byte[] mine)
    {
        group.Slots[Shard] = mine;
        Meet();
        var all = group.Slots.ToArray();
        Meet();
        Rounds++;
        return all;
    }

    /// <summary>
    /// Waits for every shard; a shard that times out stops with a message rather than read slots
    /// the others have not written yet (which would desynchronise every later round).
    /// </summary>
    private void Meet()
    {
        if (!group.Barrier.SignalAndWait(group.Timeout))
        {
            throw new TimeoutException($"shard {Shard} waited {group.Timeout.TotalSeconds} s for the other shards at exchange round {Rounds}");
        }
    }

    /// <summary>The shared slots and barrier of one run's shards.</summary>
    internal sealed class Group(int shards)
    {
        public byte[][] Slots { get; } = new byte[shards][];

        public Barrier Barrier { get; } = new(shards);

        public TimeSpan Timeout { get; } = TimeSpan.FromSeconds(60);
    }
}
