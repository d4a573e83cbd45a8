using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// What every strategy's world shares: users' preference logits (drift does not depend on what
/// was recommended), the resulting preferences, per-user traits (segment, forgetting parameters,
/// activity and drift rates) and who arrives this tick.
/// Layout: N x d columns row-major per user, so one user's topics are contiguous for the
/// per-user SIMD loops; per-user parameters are separate [N] columns.
/// Every value is a keyed draw of (seed, user, topic), so the constructor fills chunks of users
/// in parallel and still gives the same bytes for any thread count.
/// </summary>
public sealed class Population : IDisposable, ICheckpointable
{
    /// <summary>Bytes per user of the trait columns beyond logits, preferences and curve parameters (for memory estimates).</summary>
    public const int TraitBytesPerUser = 1 + 4 + 4 + 1;

    /// <summary>Users per parallel work item of the constructor: large enough to amortise scheduling.</summary>
    private const int GenerationChunk = 8192;

    private readonly SegmentSpec[] _segments;

    /// <summary>
    /// Draws users [<paramref name="firstUser"/>, firstUser + <paramref name="users"/>) of the scenario's
    /// population (all of them by default): row u holds global user firstUser + u, whose draws are
    /// keyed by that global index, so a shard's rows are the same bytes as in the whole population.
    /// </summary>
    public Population(IComputeEngine engine, Scenario scenario, ulong seed, ParallelOptions parallel, int firstUser = 0, int? users = null)
    {
        var spec = scenario.Population;
        Users = users ?? spec.Users;
        FirstUser = firstUser;
        Dim = spec.Topics;
        Seed = seed;
        _segments = spec.Segments.Count > 0 ? [.. spec.Segments] : [SegmentSpec.Typical];
        var n = Users * Dim;
        Logits = new float[n];
        BaseLogits = new float[n];
        Segment = new byte[Users];
        ActivityRate = new float[Users];
        DriftRate = new float[Users];
        Switched = new byte[Users];
        var p1 = new float[Users];
        var p2 = new float[Users];
        Preference = engine.Bind(new float[n]);
        var chunks = (Users + GenerationChunk - 1) / GenerationChunk;
        Parallel.For(0, chunks, parallel, c =>
        {
            var start = c * GenerationChunk;
            var end = Math.Min(Users, start + GenerationChunk);
            Generate(scenario, start, end, p1, p2);
            RefreshPreference(start, end);
        });

        CurveP1 = engine.Bind(p1);
        CurveP2 = engine.Bind(p2);
        Active = engine.Bind(new byte[Users]);
        Preference.Upload();
        CurveP1.Upload();
        CurveP2.Upload();
    }

    /// <summary>Rows held: the whole population, or one shard's users.</summary>
    public int Users { get; }

    /// <summary>The global index of row 0 (the key of its random draws).</summary>
    public int FirstUser { get; }

    public int Dim { get; }

    public ulong Seed { get; }

    /// <summary>Current interest logits z [N x d] (host only: drift runs on the host).</summary>
    public float[] Logits { get; }

    /// <summary>Initial logits, the mean an Ornstein-Uhlenbeck drift reverts to.</summary>
    public float[] BaseLogits { get; }

    /// <summary>Preference softmax(z) per user [N x d].</summary>
    public IColumn<float> Preference { get; }

    /// <summary>Forgetting curve parameter 1 per user (half-life, midpoint or tau), the truth parameter recovery is scored against.</summary>
    public IColumn<float> CurveP1 { get; }

    /// <summary>Forgetting curve parameter 2 per user (unused, width or exponent).</summary>
    public IColumn<float> CurveP2 { get; }

    /// <summary>
    /// 1 when the user arrives this tick (a keyed draw at the user's activity rate). Worlds
    /// combine it with their own churn state into <see cref="WorldState.Active"/>.
    /// </summary>
    public IColumn<byte> Active { get; }

    /// <summary>Index of each user's segment in <see cref="Segments"/> [N].</summary>
    public byte[] Segment { get; }

    /// <summary>The segments users were drawn from (one "typical" segment when the scenario names none).</summary>
    public IReadOnlyList<SegmentSpec> Segments => _segments;

    /// <summary>Per-user probability of arriving in a tick [N].</summary>
    public float[] ActivityRate { get; }

    /// <summary>Per-user multiplier of the drift processes' rates [N].</summary>
    public float[] DriftRate { get; }

    /// <summary>1 for users whose drift moved them to a new concept this tick (set by the Drift stage) [N].</summary>
    public byte[] Switched { get; }

    /// <summary>The segment (archetype) name of <paramref name="user"/>, e.g. for <see cref="UserProfiles.For"/>.</summary>
    public string SegmentOf(int user) => _segments[Segment[user]].Name;

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

    /// <summary>Draws the traits and initial logits of users [start, end).</summary>
    private void Generate(Scenario scenario, int start, int end, float[] p1, float[] p2)
    {
        var spec = scenario.Population;
        var forgetting = scenario.Forgetting;
        var totalWeight = _segments.Sum(s => s.Weight);
        for (var u = start; u < end; u++)
        {
            var segment = PickSegment(KeyedRandom.Uniform(Seed, RandomStreams.PopulationSegment, (uint)(FirstUser + u), 0, 0) * totalWeight);
            var traits = _segments[segment];
            Segment[u] = (byte)segment;
            var scale = spec.LogitScale * traits.Concentration;
            for (var g = 0; g < Dim; g++)
            {
                var z = scale * KeyedRandom.Normal(Seed, RandomStreams.PopulationInterest, (uint)(FirstUser + u), 0, (uint)g);
                Logits[(u * Dim) + g] = z;
                BaseLogits[(u * Dim) + g] = z;
            }

            // Log-normal heterogeneity of forgetting speed: the same factor scales parameter 1
            // (the curve's time scale), so a user's whole curve is faster or slower; the
            // segment's forgetting speed divides it (speed 2 = forgets twice as fast).
            var factor = MathF.Exp(forgetting.Heterogeneity * KeyedRandom.Normal(Seed, RandomStreams.PopulationParameters, (uint)(FirstUser + u), 0, 0)) / traits.ForgettingSpeed;
            p1[u] = forgetting.Parameter1 * factor;
            p2[u] = forgetting.Curve == ForgettingCurve.Sigmoid ? forgetting.Parameter2 * factor : forgetting.Parameter2;

            var activityNoise = spec.ActivitySpread == 0f ? 1f : MathF.Exp(spec.ActivitySpread * KeyedRandom.Normal(Seed, RandomStreams.PopulationActivityRate, (uint)(FirstUser + u), 0, 0));
            ActivityRate[u] = MathF.Min(1f, spec.Activity * traits.Activity * activityNoise);
            var driftNoise = spec.DriftHeterogeneity == 0f ? 1f : MathF.Exp(spec.DriftHeterogeneity * KeyedRandom.Normal(Seed, RandomStreams.PopulationDriftRate, (uint)(FirstUser + u), 0, 0));
            DriftRate[u] = traits.DriftRate * driftNoise;
        }
    }

    /// <summary>The segment whose cumulative weight first exceeds <paramref name="draw"/> (a uniform on [0, total weight)).</summary>
    private int PickSegment(float draw)
    {
        var cumulative = 0f;
        for (var s = 0; s < _segments.Length - 1; s++)
        {
            cumulative += _segments[s].Weight;
            if (draw < cumulative)
            {
                return s;
            }
        }

        return _segments.Length - 1;
    }
}
