using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Part of Drift: a user who switches to a new concept meets it fresh. Their strength of every
/// topic restarts at peak (1) at the switch tick and decays from there, so true interest right
/// after the switch equals the new preference. Without this, interest = preference x strength
/// kept the new topics at the baseline strength of never-consumed topics and the old, consumed
/// topics strong, so a switch barely changed true interest and non-adapting strategies lost
/// almost nothing at an event.
/// </summary>
internal static class FreshConcept
{
    /// <summary>Restarts the forgetting curves of every switched user in one world.</summary>
    public static void Apply(WorldState world, byte[] switched, int tick, ShardLayout shards, ParallelOptions parallel)
    {
        world.Peak.Download();
        world.LastEngaged.Download();
        var peak = world.Peak.Host;
        var last = world.LastEngaged.Host;
        var d = world.Dim;
        shards.ForEach(parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                if (switched[u] != 0)
                {
                    peak.AsSpan(u * d, d).Fill(1f);
                    last.AsSpan(u * d, d).Fill(tick);
                }
            }
        });
        world.Peak.Upload();
        world.LastEngaged.Upload();
    }
}
