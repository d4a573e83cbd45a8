using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Part of Drift: a user who switches to a new concept meets it fresh. The topics that carry the
/// new concept, those with at least the uniform share 1/d of the new preference, restart at peak
/// strength (1) at the switch tick and decay from there; the other topics keep their state. So
/// right after a switch true interest is led by the new concept, at about the magnitude an
/// engaged user's interest had before (restarting every topic would make users interested in
/// everything at once and inflate every strategy's click rate). Without this, interest = preference x strength
/// kept the new topics at the baseline strength of never-consumed topics and the old, consumed
/// topics strong, so a switch barely changed true interest and non-adapting strategies lost
/// almost nothing at an event.
/// </summary>
internal static class FreshConcept
{
    /// <summary>Restarts the forgetting curves of the new concept's topics of every switched user in one world; <paramref name="preference"/> is the new preference [N x d].</summary>
    public static void Apply(WorldState world, byte[] switched, float[] preference, int tick, ShardLayout shards, ParallelOptions parallel)
    {
        world.Peak.Download();
        world.LastEngaged.Download();
        var peak = world.Peak.Host;
        var last = world.LastEngaged.Host;
        var d = world.Dim;
        var share = 1f / d;
        shards.ForEach(parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                if (switched[u] == 0)
                {
                    continue;
                }

                for (var e = u * d; e < (u + 1) * d; e++)
                {
                    if (preference[e] >= share)
                    {
                        peak[e] = 1f;
                        last[e] = tick;
                    }
                }
            }
        });
        world.Peak.Upload();
        world.LastEngaged.Upload();
    }
}
