using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 3, Forget, in one world: optional spontaneous recovery (<see cref="SpontaneousRecovery"/>),
/// then interest strength decays with time since last engagement toward the baseline, and
/// interest = preference x strength (engine operation <see cref="IComputeEngine.Decay"/>).
/// Guard: the world's Interest column.
/// </summary>
internal static class ForgetStage
{
    public static void Run(SeedContext seed, StrategyWorld world, int tick)
    {
        var state = world.State;
        var population = seed.Population;
        var f = seed.Scenario.Forgetting;
        if (f.RecoveryRate > 0f && tick > 0)
        {
            SpontaneousRecovery(f, population, state, tick, seed.Scenario.TickLength, seed.Shards, seed.Parallel);
        }

        seed.Engine.Decay(new DecayOperands(
            state.Users, state.Dim, f.Curve, state.Peak, state.LastEngaged, population.CurveP1, population.CurveP2,
            population.Preference, state.Interest, f.Baseline, tick, seed.Scenario.TickLength));
        state.Interest.Download();
        seed.Guard(TickStage.Forget, "Interest", world.Name, tick, state.Interest.Host, state.Dim);
    }

    /// <summary>
    /// Spontaneous recovery of a forgotten interest, before the decay. Per user and tick, with
    /// probability RecoveryRate, one topic g (both keyed draws, the same in every world) recovers:
    /// its current strength w = b + (peak - b) R(dt) becomes w + RecoveryFraction (1 - w), and its
    /// curve restarts there (peak = that value, last engagement = now). No consumption is involved,
    /// so strategies see it only through the user's later choices.
    /// </summary>
    public static void SpontaneousRecovery(ForgettingSpec forgetting, Population population, WorldState world, int tick, float tickLength, ShardLayout shards, ParallelOptions parallel)
    {
        world.Peak.Download();
        world.LastEngaged.Download();
        var peak = world.Peak.Host;
        var last = world.LastEngaged.Host;
        var p1 = population.CurveP1.Host;
        var p2 = population.CurveP2.Host;
        var d = world.Dim;
        var seed = population.Seed;
        shards.ForEach(parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                if (KeyedRandom.Uniform(seed, RandomStreams.SpontaneousRecovery, (uint)(population.FirstUser + u), (uint)tick, 0) >= forgetting.RecoveryRate)
                {
                    continue;
                }

                var g = Math.Min(d - 1, (int)(KeyedRandom.Uniform(seed, RandomStreams.SpontaneousRecovery, (uint)(population.FirstUser + u), (uint)tick, 1) * d));
                var e = (u * d) + g;
                var dt = (tick - last[e]) * tickLength;
                var w = ForgettingMath.Strength(forgetting.Curve, peak[e], dt, p1[u], p2[u], forgetting.Baseline);
                peak[e] = Recovered(w, forgetting.RecoveryFraction);
                last[e] = tick;
            }
        });
        world.Peak.Upload();
        world.LastEngaged.Upload();
    }

    /// <summary>w + f (1 - w): the strength right after a spontaneous recovery.</summary>
    public static float Recovered(float strength, float fraction) => strength + (fraction * (1f - strength));
}
