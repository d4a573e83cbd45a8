using Simulator.Core.World;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 2, Drift: true interest logits move (<see cref="DriftProcesses"/>; shared by every world,
/// because drift does not depend on what was recommended) and preferences are refreshed; in every
/// world, users switched to a new concept meet it fresh (<see cref="BringInFresh"/>). Guard: the
/// shared Preference column, at tick 0 and whenever it changed. No engine operation.
/// </summary>
internal static class DriftStage
{
    public static void Run(SeedContext seed, IReadOnlyList<StrategyWorld> worlds, int tick)
    {
        var population = seed.Population;
        var changed = 0;
        var switched = 0;
        seed.Shards.ForEach(seed.Parallel, (start, end) =>
        {
            if (DriftProcesses.Apply(population, seed.Scenario, tick, start, end))
            {
                population.RefreshPreference(start, end);
                Interlocked.Exchange(ref changed, 1);
                if (population.Switched.AsSpan(start, end - start).Contains((byte)1))
                {
                    Interlocked.Exchange(ref switched, 1);
                }
            }
        });
        if (changed != 0)
        {
            population.Preference.Upload();
        }

        if (switched != 0)
        {
            foreach (var world in worlds)
            {
                BringInFresh(world.State, population.Switched, population.Preference.Host, tick, seed.Shards, seed.Parallel);
            }
        }

        if (changed != 0 || tick == 0)
        {
            seed.Guard(TickStage.Drift, "Preference", "population (shared by every strategy)", tick, population.Preference.Host, seed.Scenario.Dim);
        }
    }

    /// <summary>
    /// A user who switches to a new concept meets it fresh: the topics that carry the new concept,
    /// those with at least the uniform share 1/d of the new preference <paramref name="preference"/>
    /// [N x d], restart at peak strength (1) at the switch tick and decay from there; the other topics
    /// keep their state. So right after a switch true interest is led by the new concept, at about the
    /// magnitude an engaged user's interest had before (restarting every topic would make users
    /// interested in everything at once and inflate every strategy's click rate). Without this,
    /// interest = preference x strength kept the new topics at the baseline strength of never-consumed
    /// topics and the old, consumed topics strong, so a switch barely changed true interest and
    /// non-adapting strategies lost almost nothing at an event.
    /// </summary>
    public static void BringInFresh(WorldState world, byte[] switched, float[] preference, int tick, ShardLayout shards, ParallelOptions parallel)
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
