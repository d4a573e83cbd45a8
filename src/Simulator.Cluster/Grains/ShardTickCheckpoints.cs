using Simulator.Core.Checkpoints;
using Simulator.Storage.Checkpoints;

namespace Simulator.Cluster.Grains;

/// <summary>
/// Tick checkpoints of a seed split over shard grains: each shard saves its own users' state (the
/// local checkpoint format) every N ticks, keeping its previous save. Shards exchange at least once
/// per tick, so they are never more than one save apart; a resume starts every shard from the
/// latest tick that all of them hold.
/// </summary>
internal static class ShardTickCheckpoints
{
    /// <summary>The latest tick every shard has a save of (0 when some shard has none: the seed starts over).</summary>
    public static int CommonTick(SeedTickCheckpoints ticks, int seedIndex, int shards, string scenarioJson)
    {
        HashSet<int>? common = null;
        for (var shard = 0; shard < shards; shard++)
        {
            var saved = new HashSet<int>();
            foreach (var previous in new[] { false, true })
            {
                using var source = CheckpointFile.OpenIfPresent(ticks.PathOf(seedIndex, shard, previous), scenarioJson);
                if (source is not null)
                {
                    saved.Add(source.Position.NextTick);
                }
            }

            common = common is null ? saved : [.. common.Intersect(saved)];
        }

        return common is { Count: > 0 } ? common.Max() : 0;
    }

    /// <summary>The save of shard <paramref name="shard"/> at <paramref name="tick"/> (its latest or the one before).</summary>
    public static LoadedCheckpoint OpenAt(SeedTickCheckpoints ticks, int seedIndex, int shard, string scenarioJson, int tick)
    {
        foreach (var previous in new[] { false, true })
        {
            var path = ticks.PathOf(seedIndex, shard, previous);
            var source = CheckpointFile.OpenIfPresent(path, scenarioJson);
            if (source?.Position.NextTick == tick)
            {
                return source;
            }

            source?.Dispose();
        }

        throw new CheckpointException($"{ticks.PathOf(seedIndex, shard)}: shard {shard} of seed {seedIndex} has no save at tick {tick} (the other shards have one); it was removed or replaced while the run was stopped");
    }

    /// <summary>Saves through <paramref name="inner"/> after moving the latest save aside as the previous one.</summary>
    public sealed class RotatingSink(ICheckpointSink inner, string path, string previous) : ICheckpointSink
    {
        public void Save(CheckpointPosition position, ICheckpointable state)
        {
            if (File.Exists(path))
            {
                File.Move(path, previous, overwrite: true);
            }

            inner.Save(position, state);
        }
    }
}
