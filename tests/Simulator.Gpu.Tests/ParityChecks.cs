using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Gpu;

namespace Simulator.Gpu.Tests;

/// <summary>
/// Every operation of <see cref="IlgpuEngine"/> against <see cref="ReferenceEngine"/>, written once
/// and run per backend by the derived classes (CPU accelerator always, CUDA when present).
/// </summary>
public abstract partial class ParityChecks
{
    // Transcendentals (exp, log, pow) on a GPU come from ILGPU's XMath, not .NET's MathF; a few
    // ulp of difference, relative.
    public const float TranscendentalTolerance = 2e-5f;

    // Dot products of up to 256 terms: CUDA may fuse mul+add into FMA, so sums differ by rounding
    // that grows with length and magnitude; relative to max(1, |value|).
    public const float SumTolerance = 1e-4f;

    // Softmax probabilities and CTR combine exps and a sum over the slate.
    public const float ProbabilityTolerance = 1e-5f;

    // Gumbel-max flips only where two keys are within rounding of each other: allow 1% of users.
    public const double ChoiceMismatchFraction = 0.01;

    // Kernel work on the CPU accelerator is slow and a bad index can hang it: every test has a timeout.
    public const int TimeoutMs = 60_000;

    protected abstract EngineFixture Fixture { get; }

    public static TheoryData<int, int, int, bool> DecayCases => new()
    {
        { 1, 1, 0, false },
        { 7, 3, 1, true },
        { 33, 16, 2, false },
        { 130, 33, 0, true },
        { 130, 3, 2, true },
    };

    public static TheoryData<int, int, int, int, bool> ScoreTopKCases => new()
    {
        { 1, 1, 1, 1, false },
        { 7, 5, 3, 3, true },
        { 33, 67, 16, 10, true },
        { 130, 67, 33, 10, false },
        { 130, 5, 3, 10, true },
        { 20, 300, 128, 64, true },
        { 67, 300, 1, 10, false },
    };

    public static TheoryData<int, string> MlpCases => new()
    {
        { 1, "3:1:Sigmoid" },
        { 7, "5:7:Relu,7:3:Sigmoid,3:1:Tanh" },
        { 33, "16:32:Relu,32:1:Linear" },
        { 130, "33:256:Tanh,256:2:Sigmoid" },
    };

    public static TheoryData<int, int, int, int, bool> ChoiceCases => new()
    {
        { 1, 1, 1, 1, false },
        { 7, 5, 3, 3, true },
        { 33, 67, 16, 10, true },
        { 130, 67, 33, 10, true },
        { 130, 5, 3, 1, false },
    };

    public static TheoryData<int, int, int, int> ReinforceCases => new()
    {
        { 1, 1, 1, 0 },
        { 7, 3, 3, 1 },
        { 33, 16, 10, 2 },
        { 130, 33, 10, 1 },
    };

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(DecayCases))]
    public Task Decay_matches_reference(int users, int dim, int curve, bool withPreference) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var n = users * dim;
        var peak = TestData.Floats(11, n, 0f, 1f);
        var last = TestData.Ints(12, n, 0, 40);
        var p1 = TestData.Floats(13, users, 2f, 20f);
        var p2 = TestData.Floats(14, users, 0.3f, 3f);
        var pref = withPreference ? TestData.Floats(15, n, -1f, 1f) : null;
        var expected = new float[n];
        var reference = new ReferenceEngine();
        reference.Decay(DecayOps(reference, users, dim, (ForgettingCurve)curve, peak, last, p1, p2, pref, expected));

        var actual = new float[n];
        using var cols = new ColumnSet(engine);
        engine.Decay(DecayOps(cols, users, dim, (ForgettingCurve)curve, peak, last, p1, p2, pref, actual));
        cols.DownloadAll();
        AssertClose(expected, actual, TranscendentalTolerance, "decay output");
    });

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(MlpCases))]
    public Task MlpForward_matches_reference(int users, string shape) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var specs = shape.Split(',').Select(s => s.Split(':')).Select(p => (In: int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), Out: int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), Act: Enum.Parse<Activation>(p[2]))).ToArray();
        var input = TestData.Floats(21, users * specs[0].In, -1f, 1f);
        var weights = specs.Select((s, l) => TestData.Floats(22 + l, s.In * s.Out, -0.5f, 0.5f)).ToArray();
        var biases = specs.Select((s, l) => TestData.Floats(42 + l, s.Out, -0.2f, 0.2f)).ToArray();
        var outDim = specs[^1].Out;

        var expected = new float[users * outDim];
        var reference = new ReferenceEngine();
        var refLayers = specs.Select((s, l) => new MlpLayer(reference.Bind(weights[l]), reference.Bind(biases[l]), s.In, s.Out, s.Act)).ToArray();
        reference.MlpForward(new MlpOperands(users, refLayers, reference.Bind(input), reference.Bind(expected)));

        var actual = new float[users * outDim];
        using var cols = new ColumnSet(engine);
        var layers = specs.Select((s, l) => new MlpLayer(cols.In(weights[l]), cols.In(biases[l]), s.In, s.Out, s.Act)).ToArray();
        engine.MlpForward(new MlpOperands(users, layers, cols.In(input), cols.Out(actual)));
        cols.DownloadAll();
        AssertClose(expected, actual, SumTolerance, "MLP output");
    });

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(ScoreTopKCases))]
    public Task ScoreTopK_matches_reference(int users, int items, int dim, int k, bool withBias) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var u = TestData.Floats(31, users * dim, -1f, 1f);
        var it = TestData.Floats(32, items * dim, -1f, 1f);
        var bias = withBias ? TestData.Floats(33, items, -0.5f, 0.5f) : null;
        CheckScoreTopK(engine, users, items, dim, k, u, it, bias, exactScores: false);
    });

    [SkippableFact(Timeout = TimeoutMs)]
    public Task ScoreTopK_breaks_exact_ties_by_smaller_item_index() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 37, items = 90, dim = 3, k = 10;

        // Small-integer vectors make many scores exactly equal (exact in float on every backend),
        // and a repeated block of item rows forces ties between distinct items.
        var u = TestData.SmallIntegers(34, users * dim, -2, 3);
        var it = TestData.SmallIntegers(35, items * dim, -2, 3);
        Array.Copy(it, 0, it, 45 * dim, 45 * dim);
        CheckScoreTopK(engine, users, items, dim, k, u, it, null, exactScores: true);
    });

    /// <summary>A shard's rows (global users 37..129) draw the noise the whole population draws for those users.</summary>
    [SkippableFact(Timeout = TimeoutMs)]
    public Task Choice_of_one_shard_keys_its_noise_by_global_user() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 130, first = 37, items = 67, dim = 16, k = 10;
        var interest = TestData.Floats(61, users * dim, -1f, 1f);
        var slates = TestData.Ints(62, users * k, 0, items);
        var itemVectors = TestData.Floats(63, items * dim, -1f, 1f);
        var quality = TestData.Floats(64, items, 0f, 1f);
        var p = new ChoiceParameters(1.5f, 0.8f, 0.7f, 0.4f, 0.85f, -1f, 0.5f, 0.4f);
        var whole = new ChoiceOutputs(users, k);
        var reference = new ReferenceEngine();
        reference.Choice(ChoiceOps(reference, users, items, dim, k, interest, slates, itemVectors, quality, null, p, 9UL, 3, whole));

        var rows = users - first;
        var shard = new ChoiceOutputs(rows, k);
        using var cols = new ColumnSet(engine);
        engine.Choice(ChoiceOps(cols, rows, items, dim, k, interest[(first * dim)..], slates[(first * k)..], itemVectors, quality, null, p, 9UL, 3, shard, first));
        cols.DownloadAll();

        var mismatches = Enumerable.Range(0, rows).Count(i => shard.Chosen[i] != whole.Chosen[first + i]);
        Assert.True(mismatches <= Math.Floor(rows * ChoiceMismatchFraction), $"{mismatches} of {rows} shard users chose differently from the same users in the whole population");

        // Keyed by row instead, the draws would differ for most users: the check can fail.
        var unkeyed = new ChoiceOutputs(rows, k);
        reference.Choice(ChoiceOps(reference, rows, items, dim, k, interest[(first * dim)..], slates[(first * k)..], itemVectors, quality, null, p, 9UL, 3, unkeyed));
        Assert.True(Enumerable.Range(0, rows).Count(i => unkeyed.Chosen[i] != whole.Chosen[first + i]) > rows / 4);
    });

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(ChoiceCases))]
    public Task Choice_matches_reference(int users, int items, int dim, int k, bool withActive) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var interest = TestData.Floats(51, users * dim, -1f, 1f);
        var slates = TestData.Ints(52, users * k, 0, items);
        var itemVectors = TestData.Floats(53, items * dim, -1f, 1f);
        var quality = TestData.Floats(54, items, 0f, 1f);
        var active = withActive ? TestData.Ints(55, users, 0, 4).Select(x => (byte)(x == 0 ? 0 : 1)).ToArray() : null;
        var p = new ChoiceParameters(1.5f, 0.8f, 0.7f, 0.4f, 0.85f, -1f, 0.5f, 0.4f);
        const ulong seed = 0x5EED_0001UL;
        const int tick = 17;

        var expected = new ChoiceOutputs(users, k);
        var reference = new ReferenceEngine();
        reference.Choice(ChoiceOps(reference, users, items, dim, k, interest, slates, itemVectors, quality, active, p, seed, tick, expected));

        var actual = new ChoiceOutputs(users, k);
        using var cols = new ColumnSet(engine);
        engine.Choice(ChoiceOps(cols, users, items, dim, k, interest, slates, itemVectors, quality, active, p, seed, tick, actual));
        cols.DownloadAll();

        var mismatches = 0;
        for (var i = 0; i < users; i++)
        {
            if (expected.Chosen[i] != actual.Chosen[i])
            {
                mismatches++;
                continue;
            }

            if (expected.Chosen[i] >= 0)
            {
                AssertClose(expected.Dwell[i], actual.Dwell[i], TranscendentalTolerance * 10, $"dwell of user {i}");
            }
            else
            {
                Assert.Equal(0f, actual.Dwell[i]);
            }
        }

        Assert.True(mismatches <= Math.Floor(users * ChoiceMismatchFraction), $"{mismatches} of {users} users chose differently");
        AssertClose(expected.Ctr, actual.Ctr, ProbabilityTolerance, "expected CTR");
        AssertClose(expected.Probabilities, actual.Probabilities, ProbabilityTolerance, "probabilities");
        if (active is not null)
        {
            for (var i = 0; i < users; i++)
            {
                if (active[i] == 0)
                {
                    Assert.Equal(-1, actual.Chosen[i]);
                    Assert.Equal(0f, actual.Ctr[i]);
                }
            }
        }
    });

    /// <summary>
    /// Extreme accepted utilities (interest weight 1000, dwell beta 10): an unbounded exp would give
    /// +inf dwell; every engine bounds log dwell at <see cref="ChoiceMath.MaxLogDwell"/> and agrees.
    /// </summary>
    [SkippableFact(Timeout = TimeoutMs)]
    public Task Dwell_stays_finite_and_matches_reference_for_extreme_utilities() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 33, items = 17, dim = 8, k = 5;
        var interest = TestData.Floats(71, users * dim, 0.5f, 1f);
        var slates = TestData.Ints(72, users * k, 0, items);
        var itemVectors = TestData.Floats(73, items * dim, 0.5f, 1f);
        var quality = TestData.Floats(74, items, 0f, 1f);
        var p = new ChoiceParameters(1000f, 0.5f, 1f, 1.5f, 0.9f, 2f, 10f, 0.5f);
        var expected = new ChoiceOutputs(users, k);
        var reference = new ReferenceEngine();
        reference.Choice(ChoiceOps(reference, users, items, dim, k, interest, slates, itemVectors, quality, null, p, 7UL, 3, expected));

        var actual = new ChoiceOutputs(users, k);
        using var cols = new ColumnSet(engine);
        engine.Choice(ChoiceOps(cols, users, items, dim, k, interest, slates, itemVectors, quality, null, p, 7UL, 3, actual));
        cols.DownloadAll();
        var bound = MathF.Exp(ChoiceMath.MaxLogDwell);
        for (var i = 0; i < users; i++)
        {
            Assert.True(expected.Chosen[i] >= 0, $"user {i} should click at such utilities");
            Assert.Equal(bound, expected.Dwell[i]);
            Assert.True(float.IsFinite(actual.Dwell[i]), $"dwell of user {i} is {actual.Dwell[i]}");
            AssertClose(expected.Dwell[i], actual.Dwell[i], TranscendentalTolerance * 10, $"dwell of user {i}");
        }
    });

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(ReinforceCases))]
    public Task Reinforce_matches_reference(int users, int dim, int k, int curve) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int items = 23;
        var peak = TestData.Floats(61, users * dim, 0f, 1f);
        var last = TestData.Ints(62, users * dim, 0, 30);
        var p1 = TestData.Floats(63, users, 2f, 20f);
        var p2 = TestData.Floats(64, users, 0.3f, 3f);
        var slates = TestData.Ints(65, users * k, 0, items);
        var chosen = TestData.Ints(66, users, -1, k);
        var topic = TestData.Ints(67, items, 0, dim);

        var expectedPeak = (float[])peak.Clone();
        var expectedLast = (int[])last.Clone();
        var reference = new ReferenceEngine();
        reference.Reinforce(ReinforceOps(reference, users, dim, k, (ForgettingCurve)curve, expectedPeak, expectedLast, p1, p2, slates, chosen, topic));

        var actualPeak = (float[])peak.Clone();
        var actualLast = (int[])last.Clone();
        using var cols = new ColumnSet(engine);
        engine.Reinforce(ReinforceOps(cols, users, dim, k, (ForgettingCurve)curve, actualPeak, actualLast, p1, p2, slates, chosen, topic));
        cols.DownloadAll();
        AssertClose(expectedPeak, actualPeak, TranscendentalTolerance, "peak");
        Assert.Equal(expectedLast, actualLast);
    });

    protected IlgpuEngine RequireEngine()
    {
        Skip.If(Fixture.Engine is null, Fixture.Reason);
        return Fixture.Engine!;
    }

    internal static void CheckScoreTopK(IComputeEngine engine, int users, int items, int dim, int k, float[] u, float[] it, float[]? bias, bool exactScores)
    {
        var expectedItems = new int[users * k];
        var expectedScores = new float[users * k];
        var reference = new ReferenceEngine();
        reference.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, reference.Bind(u), reference.Bind(it), bias is null ? null : reference.Bind(bias), reference.Bind(expectedItems), reference.Bind(expectedScores)));

        var actualItems = new int[users * k];
        var actualScores = new float[users * k];
        using var cols = new ColumnSet(engine);
        engine.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, cols.In(u), cols.In(it), bias is null ? null : cols.In(bias), cols.Out(actualItems), cols.Out(actualScores)));
        cols.DownloadAll();

        if (exactScores)
        {
            Assert.Equal(expectedScores, actualScores);
            Assert.Equal(expectedItems, actualItems);
            return;
        }

        AssertClose(expectedScores, actualScores, SumTolerance, "top-k scores");

        // Indices must agree wherever the reference's pick is not near-tied with any other item.
        var all = new float[items];
        for (var user = 0; user < users; user++)
        {
            for (var i = 0; i < items; i++)
            {
                var s = bias is null ? 0f : bias[i];
                for (var g = 0; g < dim; g++)
                {
                    s += u[(user * dim) + g] * it[(i * dim) + g];
                }

                all[i] = s;
            }

            for (var j = 0; j < k; j++)
            {
                var e = expectedItems[(user * k) + j];
                if (e == int.MaxValue)
                {
                    Assert.Equal(int.MaxValue, actualItems[(user * k) + j]);
                    continue;
                }

                var tol = SumTolerance * Math.Max(1f, Math.Abs(all[e]));
                var nearTie = false;
                for (var i = 0; i < items && !nearTie; i++)
                {
                    nearTie = i != e && Math.Abs(all[i] - all[e]) <= tol;
                }

                if (!nearTie)
                {
                    Assert.True(e == actualItems[(user * k) + j], $"user {user} position {j}: expected item {e}, got {actualItems[(user * k) + j]}");
                }
            }
        }
    }

    internal static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }

    internal static void AssertClose(float expected, float actual, float tolerance, string what)
    {
        if (expected == actual)
        {
            return;
        }

        var scale = Math.Max(1f, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance * scale, $"{what}: expected {expected}, got {actual} (tolerance {tolerance} x {scale})");
    }

    private static DecayOperands DecayOps(IColumnSource c, int users, int dim, ForgettingCurve curve, float[] peak, int[] last, float[] p1, float[] p2, float[]? pref, float[] output) =>
        new(users, dim, curve, c.In(peak), c.In(last), c.In(p1), c.In(p2), pref is null ? null : c.In(pref), c.Out(output), 0.05f, 50, 0.5f);

    private static ChoiceOperands ChoiceOps(
        IColumnSource c, int users, int items, int dim, int k, float[] interest, int[] slates, float[] itemVectors, float[] quality, byte[]? active, ChoiceParameters p, ulong seed, int tick, ChoiceOutputs o, int firstUser = 0) =>
        new(users, items, dim, k, c.In(interest), c.In(slates), c.In(itemVectors), c.In(quality), active is null ? null : c.In(active), p, seed, tick, c.Out(o.Chosen), c.Out(o.Ctr), c.Out(o.Probabilities), c.Out(o.Dwell), firstUser);

    private static ReinforceOperands ReinforceOps(IColumnSource c, int users, int dim, int k, ForgettingCurve curve, float[] peak, int[] last, float[] p1, float[] p2, int[] slates, int[] chosen, int[] topic) =>
        new(users, dim, k, curve, c.Out(peak), c.Out(last), c.In(p1), c.In(p2), c.In(slates), c.In(chosen), c.In(topic), 0.05f, 0.3f, 40, 0.5f);

    private static DecayOperands DecayOps(ReferenceEngine r, int users, int dim, ForgettingCurve curve, float[] peak, int[] last, float[] p1, float[] p2, float[]? pref, float[] output) =>
        DecayOps(new ReferenceSource(r), users, dim, curve, peak, last, p1, p2, pref, output);

    private static ChoiceOperands ChoiceOps(ReferenceEngine r, int users, int items, int dim, int k, float[] interest, int[] slates, float[] itemVectors, float[] quality, byte[]? active, ChoiceParameters p, ulong seed, int tick, ChoiceOutputs o) =>
        ChoiceOps(new ReferenceSource(r), users, items, dim, k, interest, slates, itemVectors, quality, active, p, seed, tick, o);

    private static ReinforceOperands ReinforceOps(ReferenceEngine r, int users, int dim, int k, ForgettingCurve curve, float[] peak, int[] last, float[] p1, float[] p2, int[] slates, int[] chosen, int[] topic) =>
        ReinforceOps(new ReferenceSource(r), users, dim, k, curve, peak, last, p1, p2, slates, chosen, topic);

    internal sealed class ChoiceOutputs(int users, int k)
    {
        public int[] Chosen { get; } = new int[users];

        public float[] Ctr { get; } = new float[users];

        public float[] Probabilities { get; } = new float[users * k];

        public float[] Dwell { get; } = new float[users];
    }
}

/// <summary>Binds host arrays as operation inputs (uploaded) or outputs/in-outs (downloaded after).</summary>
internal interface IColumnSource
{
    IColumn<T> In<T>(T[] host)
        where T : unmanaged;

    IColumn<T> Out<T>(T[] host)
        where T : unmanaged;
}

/// <summary>The reference engine works on the host arrays directly.</summary>
internal sealed class ReferenceSource(ReferenceEngine engine) : IColumnSource
{
    public IColumn<T> In<T>(T[] host)
        where T : unmanaged => engine.Bind(host);

    public IColumn<T> Out<T>(T[] host)
        where T : unmanaged => engine.Bind(host);
}

/// <summary>Columns bound to an engine under test: inputs uploaded at bind, outputs downloaded on demand, all disposed together.</summary>
internal sealed class ColumnSet(IComputeEngine engine) : IColumnSource, IDisposable
{
    private readonly List<IDisposable> all = [];
    private readonly List<Action> downloads = [];

    public IColumn<T> In<T>(T[] host)
        where T : unmanaged
    {
        var c = engine.Bind(host);
        c.Upload();
        all.Add(c);
        return c;
    }

    public IColumn<T> Out<T>(T[] host)
        where T : unmanaged
    {
        // Uploaded too: in-out columns (reinforcement) start from the host values.
        var c = In(host);
        downloads.Add(c.Download);
        return c;
    }

    public void DownloadAll()
    {
        engine.Synchronize();
        foreach (var d in downloads)
        {
            d();
        }
    }

    public void Dispose()
    {
        foreach (var c in all)
        {
            c.Dispose();
        }
    }
}
