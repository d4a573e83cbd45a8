using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Moves users' true interest logits (shared by every world: drift does not depend on what was
/// recommended). Per user, keyed noise only, so any shard schedule gives the same logits.
/// </summary>
internal static class DriftStage
{
    /// <summary>Applies tick t's drift to users [start, end); returns true if any logit changed.</summary>
    public static bool Apply(Population population, Scenario scenario, int tick, int start, int end)
    {
        var drift = scenario.Drift;
        if (tick == 0 || drift.Kind == DriftKind.Stationary)
        {
            return false;
        }

        var d = population.Dim;
        var z = population.Logits;
        var seed = population.Seed;
        switch (drift.Kind)
        {
            case DriftKind.Abrupt:
                var populationEvent = ContainsTick(drift.EventTicks, tick);

                // P(at least one Poisson switch in a tick) = 1 - e^(-rate dt).
                var switchProbability = 1f - MathF.Exp(-drift.Rate * scenario.TickLength);
                var scale = scenario.Population.LogitScale;
                var changed = false;
                for (var u = start; u < end; u++)
                {
                    if (!populationEvent && KeyedRandom.Uniform(seed, RandomStreams.Drift, (uint)u, (uint)tick, 0) >= switchProbability)
                    {
                        continue;
                    }

                    changed = true;
                    for (var g = 0; g < d; g++)
                    {
                        var fresh = scale * KeyedRandom.Normal(seed, RandomStreams.DriftEvent, (uint)u, (uint)tick, (uint)g);
                        var e = (u * d) + g;
                        z[e] = ((1f - drift.Shift) * z[e]) + (drift.Shift * fresh);
                    }
                }

                return changed;

            case DriftKind.OrnsteinUhlenbeck:
                var mu = population.BaseLogits;
                for (var u = start; u < end; u++)
                {
                    for (var g = 0; g < d; g++)
                    {
                        var e = (u * d) + g;
                        z[e] += (drift.Kappa * (mu[e] - z[e])) + (drift.Sigma * KeyedRandom.Normal(seed, RandomStreams.Drift, (uint)u, (uint)tick, (uint)g));
                    }
                }

                return end > start;

            default:
                return false;
        }
    }

    private static bool ContainsTick(IReadOnlyList<int> ticks, int tick)
    {
        foreach (var t in ticks)
        {
            if (t == tick)
            {
                return true;
            }
        }

        return false;
    }
}
