using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// The drift processes of the Drift stage (<c>Simulation/Stages/DriftStage.cs</c>): they move users'
/// true interest logits (shared by every world: drift does not depend on what was
/// recommended). The scenario's processes act one after another on the same logits each tick.
/// Per user, keyed noise only, so any shard schedule gives the same logits. Users moved to a new
/// concept (abrupt and gradual switches) are flagged in <see cref="Population.Switched"/> so each
/// world can bring the new concept in fresh (<c>DriftStage.BringInFresh</c>).
/// </summary>
internal static class DriftProcesses
{
    /// <summary>Draw keys of process i use item i x this + topic, so two processes of one kind never share noise (process 0 keeps the keys of a single process).</summary>
    private const uint ProcessStride = 1024;

    /// <summary>Applies tick t's drift to users [start, end); returns true if any logit changed.</summary>
    public static bool Apply(Population population, Scenario scenario, int tick, int start, int end)
    {
        population.Switched.AsSpan(start, end - start).Clear();
        if (tick == 0)
        {
            return false;
        }

        var changed = false;
        var processes = scenario.DriftProcesses;
        for (var i = 0; i < processes.Count; i++)
        {
            var range = new UserRange(population, scenario, tick, start, end, (uint)i);
            changed |= processes[i].Kind switch
            {
                DriftKind.Abrupt => Abrupt(range, processes[i]),
                DriftKind.OrnsteinUhlenbeck => OrnsteinUhlenbeck(range, processes[i]),
                DriftKind.Gradual => Gradual(range, processes[i]),
                DriftKind.Seasonal => Seasonal(range, processes[i]),
                _ => false,
            };
        }

        return changed;
    }

    /// <summary>P(new concept) of gradual drift at tick t: 1/(1+exp(-4(t-p)/w)).</summary>
    public static double GradualShare(double tick, double midpoint, double width) => 1.0 / (1.0 + Math.Exp(-4.0 * (tick - midpoint) / width));

    /// <summary>The seasonal offset A sin(2 pi t/P + phi) of a user's logits along their direction.</summary>
    public static float SeasonalOffset(int tick, float amplitude, float period, float phase) =>
        amplitude * MathF.Sin((2f * MathF.PI * tick / period) + phase);

    private readonly record struct UserRange(Population Population, Scenario Scenario, int Tick, int Start, int End, uint Process)
    {
        public uint Key(int topic) => (Process * ProcessStride) + (uint)topic;

        /// <summary>The scale of a user's fresh logits: the population's, times the user's segment concentration.</summary>
        public float LogitScale(int user) =>
            Scenario.Population.LogitScale * Population.Segments[Population.Segment[user]].Concentration;
    }

    /// <summary>
    /// Abrupt: with probability 1 - e^(-rate r_u dt) per tick (Poisson switches at the user's rate),
    /// and for everyone at an event tick, z &lt;- (1 - shift) z + shift z_new with fresh z_new.
    /// </summary>
    private static bool Abrupt(in UserRange r, DriftSpec drift)
    {
        var populationEvent = drift.EventTicks.Contains(r.Tick);
        var p = r.Population;
        var d = p.Dim;
        var z = p.Logits;
        var changed = false;
        for (var u = r.Start; u < r.End; u++)
        {
            if (!populationEvent)
            {
                var switchProbability = 1f - MathF.Exp(-drift.Rate * p.DriftRate[u] * r.Scenario.TickLength);
                if (KeyedRandom.Uniform(p.Seed, RandomStreams.Drift, (uint)(p.FirstUser + u), (uint)r.Tick, r.Key(0)) >= switchProbability)
                {
                    continue;
                }
            }

            changed = true;
            p.Switched[u] = 1;
            var scale = r.LogitScale(u);
            for (var g = 0; g < d; g++)
            {
                var fresh = scale * KeyedRandom.Normal(p.Seed, RandomStreams.DriftEvent, (uint)(p.FirstUser + u), (uint)r.Tick, r.Key(g));
                var e = (u * d) + g;
                z[e] = ((1f - drift.Shift) * z[e]) + (drift.Shift * fresh);
            }
        }

        return changed;
    }

    /// <summary>z += kappa (mu - z) + sigma r_u eps: stationary variance sigma^2 r_u^2 / (2 kappa - kappa^2) around the initial logits.</summary>
    private static bool OrnsteinUhlenbeck(in UserRange r, DriftSpec drift)
    {
        var p = r.Population;
        var d = p.Dim;
        var z = p.Logits;
        var mu = p.BaseLogits;
        for (var u = r.Start; u < r.End; u++)
        {
            var sigma = drift.Sigma * p.DriftRate[u];
            for (var g = 0; g < d; g++)
            {
                var e = (u * d) + g;
                z[e] += (drift.Kappa * (mu[e] - z[e])) + (sigma * KeyedRandom.Normal(p.Seed, RandomStreams.Drift, (uint)(p.FirstUser + u), (uint)r.Tick, r.Key(g)));
            }
        }

        return r.End > r.Start;
    }

    /// <summary>
    /// Gradual: user u moves once, at the first tick t with P(t) >= U_u (U_u a keyed uniform), to a
    /// second concept drawn like the initial logits; so the share of users moved by tick t is P(t).
    /// </summary>
    private static bool Gradual(in UserRange r, DriftSpec drift)
    {
        var p = r.Population;
        var d = p.Dim;
        var z = p.Logits;
        var now = GradualShare(r.Tick, drift.Midpoint, drift.Width);
        var before = r.Tick == 1 ? 0.0 : GradualShare(r.Tick - 1, drift.Midpoint, drift.Width);
        var changed = false;
        for (var u = r.Start; u < r.End; u++)
        {
            var threshold = KeyedRandom.Uniform(p.Seed, RandomStreams.GradualThreshold, (uint)(p.FirstUser + u), r.Process, 0);
            if (threshold <= before || threshold > now)
            {
                continue;
            }

            changed = true;
            p.Switched[u] = 1;
            var scale = r.LogitScale(u);
            for (var g = 0; g < d; g++)
            {
                z[(u * d) + g] = scale * KeyedRandom.Normal(p.Seed, RandomStreams.DriftConcept, (uint)(p.FirstUser + u), r.Process, (uint)g);
            }
        }

        return changed;
    }

    /// <summary>
    /// Seasonal: adds this tick's change of A sin(2 pi t/P + phi) along the user's keyed direction
    /// v_u ~ N(0, I), so alone it gives z(t) = z(0) + (A sin(2 pi t/P + phi) - A sin(phi)) v_u, period P,
    /// and it composes with the other processes.
    /// </summary>
    private static bool Seasonal(in UserRange r, DriftSpec drift)
    {
        var p = r.Population;
        var d = p.Dim;
        var z = p.Logits;
        var step = SeasonalOffset(r.Tick, drift.Amplitude, drift.Period, drift.Phase) - SeasonalOffset(r.Tick - 1, drift.Amplitude, drift.Period, drift.Phase);
        for (var u = r.Start; u < r.End; u++)
        {
            for (var g = 0; g < d; g++)
            {
                z[(u * d) + g] += step * KeyedRandom.Normal(p.Seed, RandomStreams.SeasonalDirection, (uint)(p.FirstUser + u), r.Process, (uint)g);
            }
        }

        return r.End > r.Start && step != 0f;
    }
}
