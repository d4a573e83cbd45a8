using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 1, Arrive: items arrive (the live prefix of the catalog grows) and each world's item
/// appeal ages; users arrive by a keyed draw at their activity rate (the same draw in every
/// world); then each world's churn state decides who of them is active there. No engine
/// operation and no numerical guard (nothing here is a float the model computes).
/// </summary>
internal static class ArriveStage
{
    public static void Run(SeedContext seed, IReadOnlyList<StrategyWorld> worlds, int tick)
    {
        ArriveItems(seed, worlds, tick);
        var arrived = ArriveUsers(seed, tick);
        foreach (var world in worlds)
        {
            var state = world.State;
            seed.Shards.ForEach(seed.Parallel, (start, end) =>
                ApplyChurn(seed.Scenario.Churn, seed.Population.Seed, seed.Shards.FirstUser, tick, arrived, state, start, end));
            state.Active.Upload();
        }
    }

    /// <summary>
    /// Churn of one world for users [start, end) at tick t (see <see cref="ChurnSpec"/>): a user active
    /// last tick folds that tick's expected CTR into their EMA and leaves after Patience low ticks in
    /// a row; a user who had left returns with probability ReturnRate (keyed by user and tick, so the
    /// same draw in every world). Then active = arrived and not churned. Reads the world's Active and
    /// ExpectedCtr of tick t-1 before overwriting Active. Row u is global user <paramref name="firstUser"/> + u
    /// (the key of its return draw).
    /// </summary>
    public static void ApplyChurn(ChurnSpec churn, ulong seed, int firstUser, int tick, byte[] arrived, WorldState world, int start, int end)
    {
        var active = world.Active.Host;
        if (!churn.Enabled)
        {
            arrived.AsSpan(start, end - start).CopyTo(active.AsSpan(start, end - start));
            return;
        }

        var state = world.Churn;
        var ctr = world.ExpectedCtr.Host;
        for (var u = start; u < end; u++)
        {
            if (state.Churned[u] != 0)
            {
                if (KeyedRandom.Uniform(seed, RandomStreams.ChurnReturn, (uint)(firstUser + u), (uint)tick, 0) < churn.ReturnRate)
                {
                    state.Churned[u] = 0;
                    state.Smoothed[u] = 1f;
                    state.LowTicks[u] = 0;
                }
            }
            else if (tick > 0 && active[u] != 0)
            {
                var smoothed = ((1f - churn.Smoothing) * state.Smoothed[u]) + (churn.Smoothing * ctr[u]);
                state.Smoothed[u] = smoothed;
                state.LowTicks[u] = smoothed < churn.Threshold ? state.LowTicks[u] + 1 : 0;
                if (state.LowTicks[u] >= churn.Patience)
                {
                    state.Churned[u] = 1;
                }
            }

            active[u] = state.Churned[u] == 0 ? arrived[u] : (byte)0;
        }
    }

    /// <summary>Catalog dynamics: the live prefix at this tick, and each world's item utility offsets (aging, social proof).</summary>
    private static void ArriveItems(SeedContext seed, IReadOnlyList<StrategyWorld> worlds, int tick)
    {
        var catalog = seed.Catalog;
        catalog.LiveCount = seed.Arrivals.LiveAt(tick);
        foreach (var world in worlds)
        {
            world.Dynamics.Appeal?.Update(tick, catalog.LiveCount, catalog.Quality.Host, seed.Arrivals.ArrivalTick);
        }
    }

    /// <summary>Marks the users who arrive this tick (shared by every world) and returns the host column.</summary>
    private static byte[] ArriveUsers(SeedContext seed, int tick)
    {
        var population = seed.Population;
        var arrived = population.Active.Host;
        var rates = population.ActivityRate;
        var key = population.Seed;
        var first = seed.Shards.FirstUser;
        seed.Shards.ForEach(seed.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var rate = rates[u];
                arrived[u] = rate >= 1f || KeyedRandom.Uniform(key, RandomStreams.Activity, (uint)(first + u), (uint)tick, 0) < rate ? (byte)1 : (byte)0;
            }
        });
        population.Active.Upload();
        return arrived;
    }
}
