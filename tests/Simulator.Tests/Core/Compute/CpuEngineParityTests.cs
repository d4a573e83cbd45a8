using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;

namespace Simulator.Tests.Core.Compute;

/// <summary>The vectorised CPU engine against the scalar reference, at sizes that exercise SIMD tails.</summary>
public sealed class CpuEngineParityTests
{
    /// <summary>Vector exp/log differ from MathF by a few ulps; strengths are O(1).</summary>
    private const float DecayTolerance = 2e-5f;

    /// <summary>FMA and a different summation order change the last bits of dot products of length up to 70.</summary>
    private const float DotTolerance = 1e-4f;

    private static float[] Random(int n, uint stream, float scale = 1f, float shift = 0f)
    {
        var a = new float[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = shift + (scale * KeyedRandom.Uniform(11, stream, 0, 0, (uint)i));
        }

        return a;
    }

    [Theory]
    [InlineData(ForgettingCurve.Exponential, 1, 1)]
    [InlineData(ForgettingCurve.Sigmoid, 7, 3)]
    [InlineData(ForgettingCurve.Sigmoid, 33, 16)]
    [InlineData(ForgettingCurve.PowerLaw, 130, 33)]
    [InlineData(ForgettingCurve.Exponential, 257, 9)]
    [InlineData(ForgettingCurve.Sigmoid, 4099, 32)]
    [InlineData(ForgettingCurve.PowerLaw, 2051, 48)]
    [InlineData(ForgettingCurve.Exponential, 3, 16)]
    [InlineData(ForgettingCurve.Sigmoid, 70, 32, false)]
    [InlineData(ForgettingCurve.PowerLaw, 9, 7, false)]
    [InlineData(ForgettingCurve.Sigmoid, 70, 32, true, 1_000_000)]
    [InlineData(ForgettingCurve.Exponential, 70, 12, true, 1_000_000)]
    [InlineData(ForgettingCurve.PowerLaw, 70, 32, true, 1_000_000)]
    public void Decay_matches_reference(ForgettingCurve curve, int users, int dim, bool withPreference = true, int tick = 5)
    {
        var n = users * dim;
        var last = new int[n];
        for (var i = 0; i < n; i++)
        {
            // Late in a long run the integer ticks since engagement stay exact; a float tick would not.
            last[i] = tick - 5 - (int)(KeyedRandom.Bits(3, 1, 0, 0, (uint)i) % 40);
        }

        var peak = Random(n, 2, 0.9f, 0.1f);
        var p1 = Random(users, 3, 10f, 1f);
        var p2 = Random(users, 4, 2f, 0.5f);
        var pref = Random(n, 5);
        var expected = new float[n];
        var actual = new float[n];
        var reference = new ReferenceEngine();
        using var cpu = new CpuEngine(2);
        reference.Decay(Operands(reference, expected));
        cpu.Decay(Operands(cpu, actual));
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= DecayTolerance * Math.Max(1f, Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
        }

        DecayOperands Operands(IComputeEngine e, float[] output) => new(
            users, dim, curve, e.Bind(peak), e.Bind(last), e.Bind(p1), e.Bind(p2), withPreference ? e.Bind(pref) : null, e.Bind(output), 0.1f, tick, 1.5f);
    }

    [Theory]
    [InlineData(1, 5, 1, 1)]
    [InlineData(3, 67, 3, 3)]
    [InlineData(33, 16, 16, 10)]
    [InlineData(130, 500, 33, 10)]
    [InlineData(65, 1000, 32, 20)]
    [InlineData(9, 5000, 8, 7)]
    [InlineData(41, 500, 16, 40)]
    [InlineData(5, 100, 4, 64)]
    public void ScoreTopK_matches_reference(int users, int items, int dim, int k)
    {
        var u = Random(users * dim, 6, 2f, -1f);
        var x = Random(items * dim, 7);
        var bias = Random(items, 8, 0.2f);
        var reference = new ReferenceEngine();
        using var cpu = new CpuEngine(2);
        var (ei, es) = Run(reference);
        var (ai, ac) = Run(cpu);
        for (var i = 0; i < users * k; i++)
        {
            Assert.True(Math.Abs(es[i] - ac[i]) <= DotTolerance, $"score {i}: {es[i]} vs {ac[i]}");
            var gapOk = i % k == k - 1 || Math.Abs(es[i] - es[i + 1]) > 2 * DotTolerance;
            if (gapOk && (i % k == 0 || Math.Abs(es[i] - es[i - 1]) > 2 * DotTolerance))
            {
                Assert.Equal(ei[i], ai[i]);
            }
        }

        (int[] Items, float[] Scores) Run(IComputeEngine e)
        {
            var top = new int[users * k];
            var scores = new float[users * k];
            e.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, e.Bind(u), e.Bind(x), e.Bind(bias), e.Bind(top), e.Bind(scores)));
            return (top, scores);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(40)]
    public void ScoreTopK_skips_NaN_scores_whatever_bounds_the_tiles(int k)
    {
        // Most items score NaN (NaN bias), so most tile maxima are NaN or missing: the floor that
        // filters candidates must still let through exactly the finite scores, best first.
        const int users = 5;
        const int items = 200;
        const int dim = 4;
        var u = Random(users * dim, 16, 2f, -1f);
        var x = Random(items * dim, 17);
        var bias = Random(items, 18, 0.2f);
        for (var i = 0; i < items; i++)
        {
            if (i % 7 != 3)
            {
                bias[i] = float.NaN;
            }
        }

        var finite = Enumerable.Range(0, items).Count(i => i % 7 == 3);
        using var cpu = new CpuEngine(1);
        var reference = new ReferenceEngine();
        Assert.Equal(Run(reference), Run(cpu));
        Assert.All(Run(cpu).Where((_, i) => i % k < Math.Min(k, finite)), item => Assert.Equal(3, item % 7));

        int[] Run(IComputeEngine e)
        {
            var top = new int[users * k];
            e.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, e.Bind(u), e.Bind(x), e.Bind(bias), e.Bind(top), e.Bind(new float[users * k])));
            return top;
        }
    }

    [Theory]
    [InlineData(40)]
    [InlineData(4500)]
    public void ScoreTopK_breaks_ties_by_smaller_item_index(int itemCount)
    {
        // All items identical: every score ties, so the slate must be items 0..k-1 in order,
        // also when the catalog spans several scoring chunks.
        using var cpu = new CpuEngine(2);
        var items = Enumerable.Repeat(0.5f, itemCount * 4).ToArray();
        var top = new int[3 * 6];
        cpu.ScoreTopK(new ScoreTopKOperands(3, itemCount, 4, 6, cpu.Bind(Enumerable.Repeat(1f, 12).ToArray()), cpu.Bind(items), null, cpu.Bind(top), cpu.Bind(new float[18])));
        Assert.Equal([0, 1, 2, 3, 4, 5], top[..6]);
        Assert.Equal([0, 1, 2, 3, 4, 5], top[12..]);

        // A later item that is strictly better still wins, wherever it sits.
        items[(itemCount - 1) * 4] = 2f;
        cpu.ScoreTopK(new ScoreTopKOperands(3, itemCount, 4, 6, cpu.Bind(Enumerable.Repeat(1f, 12).ToArray()), cpu.Bind(items), null, cpu.Bind(top), cpu.Bind(new float[18])));
        Assert.Equal([itemCount - 1, 0, 1, 2, 3, 4], top[..6]);
    }

    [Theory]
    [InlineData(1, Activation.Relu)]
    [InlineData(7, Activation.Sigmoid)]
    [InlineData(66, Activation.Tanh)]
    [InlineData(131, Activation.Linear)]
    public void Mlp_matches_reference(int users, Activation hidden)
    {
        const int inDim = 32;
        const int width = 64;
        const int outDim = 32;
        var input = Random(users * inDim, 9, 2f, -1f);
        var w1 = Random(inDim * width, 10, 0.4f, -0.2f);
        var b1 = Random(width, 11, 0.2f, -0.1f);
        var w2 = Random(width * outDim, 12, 0.4f, -0.2f);
        var b2 = Random(outDim, 13, 0.2f, -0.1f);
        var expected = Run(new ReferenceEngine());
        using var cpu = new CpuEngine(2);
        var actual = Run(cpu);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= DotTolerance * Math.Max(1f, Math.Abs(expected[i])), $"output {i}: {expected[i]} vs {actual[i]}");
        }

        float[] Run(IComputeEngine e)
        {
            var output = new float[users * outDim];
            MlpLayer[] layers =
            [
                new(e.Bind(w1), e.Bind(b1), inDim, width, hidden),
                new(e.Bind(w2), e.Bind(b2), width, outDim, Activation.Linear),
            ];
            e.MlpForward(new MlpOperands(users, layers, e.Bind(input), e.Bind(output)));
            return output;
        }
    }

    [Fact]
    public void Decay_gives_identical_bits_for_any_thread_count_and_array_alignment()
    {
        const int users = 5000;
        const int dim = 32;
        var n = users * dim;
        var last = new int[n];
        var peak = Random(n, 2, 0.9f, 0.1f);
        var pref = Random(n, 5);
        var p1 = Random(users, 3, 10f, 1f);
        var p2 = Random(users, 4, 2f, 0.5f);
        float[] Run(int threads, int padding)
        {
            // Allocations of different sizes in between move the output to other alignments.
            var spacer = new float[padding];
            using var cpu = new CpuEngine(threads);
            var output = new float[n];
            cpu.Decay(new DecayOperands(users, dim, ForgettingCurve.Sigmoid, cpu.Bind(peak), cpu.Bind(last), cpu.Bind(p1), cpu.Bind(p2), cpu.Bind(pref), cpu.Bind(output), 0.1f, 3, 1f));
            GC.KeepAlive(spacer);
            return output;
        }

        var reference = Run(1, 0);
        for (var padding = 1; padding < 6; padding++)
        {
            Assert.Equal(reference, Run(2, padding));
        }
    }

    [Fact]
    public void Cpu_engine_gives_identical_bits_for_any_thread_count()
    {
        const int users = 5000;
        const int items = 300;
        const int dim = 24;
        const int k = 10;
        var u = Random(users * dim, 14, 2f, -1f);
        var x = Random(items * dim, 15);
        int[] Run(int threads)
        {
            using var cpu = new CpuEngine(threads);
            var top = new int[users * k];
            cpu.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, cpu.Bind(u), cpu.Bind(x), null, cpu.Bind(top), cpu.Bind(new float[users * k])));
            return top;
        }

        Assert.Equal(Run(1), Run(2));
        Assert.Equal(Run(1), Run(3));
    }
}
