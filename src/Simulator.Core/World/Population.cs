using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// What every strategy's world shares: users' preference logits (drift does not depend on what
/// was recommended), the resulting preferences, per-user forgetting parameters and who is active.
/// Layout: N x d columns row-major per user, so one user's topics are contiguous for the
/// per-user SIMD loops; per-user parameters are separate [N] columns.
/// </summary>
public sealed class Population : IDisposable, ICheckpointable
{
    public Population(IComputeEngine engine, Scenario scenario, ulong seed)
    {
        var spec = scenario.Population;
        Users = spec.Users;
        Dim = spec.Topics;
        Seed = seed;
        var n = Users * Dim;
        Logits = new float[n];
        BaseLogits = new float[n];
        var p1 = new float[Users];
        var p2 = new float[Users];
        var forgetting = scenario.Forgetting;
        for (var u = 0; u < Users; u++)
        {
            for (var g = 0; g < Dim; g++)
            {
                var z = spec.LogitScale * KeyedRandom.Normal(seed, RandomStreams.PopulationInterest, (uint)u, 0, (uint)g);
                Logits[(u * Dim) + g] = z;
                BaseLogits[(u * Dim) + g] = z;
            }

            // Log-normal heterogeneity of forgetting speed: the same factor scales parameter 1
            // (the curve's time scale), so a user's whole curve is faster or slower.
            var factor = MathF.Exp(forgetting.Heterogeneity * KeyedRandom.Normal(seed, RandomStreams.PopulationParameters, (uint)u, 0, 0));
            p1[u] = forgetting.Parameter1 * factor;
            p2[u] = forgetting.Curve == ForgettingCurve.Sigmoid ? forgetting.Parameter2 * factor : forgetting.Parameter2;
        }

        Preference = engine.Bind(new float[n]);
        CurveP1 = engine.Bind(p1);
        CurveP2 = engine.Bind(p2);
        Active = engine.Bind(new byte[Users]);
        RefreshPreference();
        CurveP1.Upload();
        CurveP2.Upload();
    }

    public int Users { get; }

    public int Dim { get; }

    public ulong Seed { get; }

    /// <summary>Current interest logits z [N x d] (host only: drift runs on the host).</summary>
    public float[] Logits { get; }

    /// <summary>Initial logits, the mean an Ornstein-Uhlenbeck drift reverts to.</summary>
    public float[] BaseLogits { get; }

    /// <summary>Preference softmax(z) per user [N x d].</summary>
    public IColumn<float> Preference { get; }

    /// <summary>Forgetting curve parameter 1 per user (half-life, midpoint or tau).</summary>
    public IColumn<float> CurveP1 { get; }

    /// <summary>Forgetting curve parameter 2 per user (unused, width or exponent).</summary>
    public IColumn<float> CurveP2 { get; }

    /// <summary>1 when the user is active this tick.</summary>
    public IColumn<byte> Active { get; }

    /// <summary>Recomputes preferences from logits (row softmax) for the users in [start, end).</summary>
    public void RefreshPreference(int start, int end)
    {
        var pref = Preference.Host;
        for (var u = start; u < end; u++)
        {
            var z = Logits.AsSpan(u * Dim, Dim);
            var p = pref.AsSpan(u * Dim, Dim);
            var max = float.NegativeInfinity;
            foreach (var x in z)
            {
                max = MathF.Max(max, x);
            }

            var sum = 0f;
            for (var g = 0; g < Dim; g++)
            {
                p[g] = MathF.Exp(z[g] - max);
                sum += p[g];
            }

            var inv = 1f / sum;
            for (var g = 0; g < Dim; g++)
            {
                p[g] *= inv;
            }
        }
    }

    public void RefreshPreference()
    {
        RefreshPreference(0, Users);
        Preference.Upload();
    }

    /// <summary>Logits drift; preferences and parameters are kept too so a resumed run never recomputes them differently.</summary>
    public void ExchangeState(StateExchange state)
    {
        state.Floats("logits", Logits);
        state.Floats("baseLogits", BaseLogits);
        state.Column("preference", Preference);
        state.Column("curveP1", CurveP1);
        state.Column("curveP2", CurveP2);
        state.Column("active", Active);
    }

    public void Dispose()
    {
        Preference.Dispose();
        CurveP1.Dispose();
        CurveP2.Dispose();
        Active.Dispose();
    }
}
