using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Part of Arrive: turns the population's arrivals into one world's active users. First the
/// world's churn state takes in the last tick (see <see cref="ChurnSpec"/>): a user active last
/// tick folds that tick's expected CTR into their EMA and leaves after Patience low ticks in a
/// row; a user who had left returns with probability ReturnRate (keyed by user and tick, so the
/// same draw in every world). Then active = arrived and not churned.
/// </summary>
internal static class ChurnStage
{
    /// <summary>
    /// Updates rows [start, end) of one world for tick t; reads the world's Active and ExpectedCtr of tick t-1 before overwriting Active.
    /// Row u is global user <paramref name="firstUser"/> + u (the key of its return draw).
    /// </summary>
    public static void Apply(ChurnSpec churn, ulong seed, int firstUser, int tick, byte[] arrived, WorldState world, int start, int end)
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
}
