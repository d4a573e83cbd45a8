using System.Runtime.Intrinsics.X86;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Tests.Core.Compute;

/// <summary>
/// The int8-prefiltered score + top-k against the fp32 path of the same engine: slates and scores
/// must be bit-identical on adversarial data (ties, near-ties, scores within the prefilter's bound
/// of the k-th, NaN and infinite biases, non-finite users, dead items, k above the live items).
/// </summary>
public sealed class ScoreTopKPrefilterTests
{
    private static float[] Random(int n, uint stream, float scale = 1f, float shift = 0f)
    {
        var a = new float[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = shift + (scale * KeyedRandom.Uniform(23, stream, 0, 0, (uint)i));
        }

        return a;
    }

    private static (int[] Items, float[] Scores, long Pairs, long Survivors) Run(bool prefilter, int users, int items, int dim, int k, float[] u, float[] x, float[]? bias, int threads = 2)
    {
        using var engine = new CpuEngine(threads, prefilter: prefilter);
        var top = new int[users * k];
        var scores = new float[users * k];
        engine.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, engine.Bind(u), engine.Bind(x), bias is null ? null : engine.Bind(bias), engine.Bind(top), engine.Bind(scores)));
        return (top, scores, engine.PrefilterPairs, engine.PrefilterSurvivors);
    }

    /// <summary>Runs both paths and demands identical items and identical score bits; returns the prefilter's survivor share.</summary>
    private static double AssertSame(int users, int items, int dim, int k, float[] u, float[] x, float[]? bias, int threads = 2)
    {
        var fp32 = Run(false, users, items, dim, k, u, x, bias, threads);
        var fast = Run(true, users, items, dim, k, u, x, bias, threads);
        Assert.Equal(0, fp32.Pairs);
        Assert.Equal(fp32.Items, fast.Items);
        Assert.Equal(fp32.Scores.Select(BitConverter.SingleToInt32Bits), fast.Scores.Select(BitConverter.SingleToInt32Bits));
        return fast.Pairs == 0 ? 1.0 : (double)fast.Survivors / fast.Pairs;
    }

    private static bool Vnni => AvxVnni.IsSupported && Fma.IsSupported;

    [Theory]
    [InlineData(1, 64, 1, 1)]
    [InlineData(7, 100, 3, 5)]
    [InlineData(33, 500, 16, 10)]
    [InlineData(130, 1000, 32, 10)]
    [InlineData(65, 1000, 33, 20)]
    [InlineData(9, 5000, 8, 7)]
    [InlineData(41, 997, 16, 40)]
    [InlineData(5, 2048, 64, 64)]
    public void Prefiltered_slates_equal_the_fp32_path_bit_for_bit(int users, int items, int dim, int k)
    {
        var u = Random(users * dim, 1, 2f, -1f);
        var x = Random(items * dim, 2, 1f, -0.5f);
        var bias = Random(items, 3, 0.2f);
        var share = AssertSame(users, items, dim, k, u, x, bias);
        AssertSame(users, items, dim, k, u, x, null, threads: 1);
        if (Vnni && items >= 8 * k && items >= 64)
        {
            Assert.True(share < 1.0, $"survivor share {share}");
        }
    }

    [Fact]
    public void The_prefilter_keeps_few_items_on_the_bench_workload_shape()
    {
        // Bench-like data: positive item coordinates, user vectors of mixed sign.
        const int users = 64;
        const int items = 1000;
        const int dim = 32;
        var u = Random(users * dim, 4, 2f, -1f);
        var x = Random(items * dim, 5, 1f / dim);
        var share = AssertSame(users, items, dim, 10, u, x, null);
        if (Vnni)
        {
            Assert.True(share < 0.1, $"survivor share {share}");
        }
    }

    [Fact]
    public void Exact_ties_go_to_the_smaller_item_index()
    {
        // Every item is one of four vectors, so each score is shared by hundreds of items.
        const int users = 12;
        const int items = 800;
        const int dim = 8;
        var u = Random(users * dim, 6, 2f, -1f);
        var basis = Random(4 * dim, 7, 1f, -0.5f);
        var x = new float[items * dim];
        for (var i = 0; i < items; i++)
        {
            Array.Copy(basis, (i * 7 % 4) * dim, x, i * dim, dim);
        }

        AssertSame(users, items, dim, 10, u, x, null);
        AssertSame(users, items, dim, 30, u, x, new float[items]);
    }

    [Fact]
    public void Near_ties_within_the_bound_of_the_kth_score_keep_their_fp32_order()
    {
        // Items a few ulps apart, and items whose differences are far below the int8 step: the
        // low-precision scores cannot order them, the fp32 rescoring must.
        const int users = 16;
        const int items = 640;
        const int dim = 16;
        var u = Random(users * dim, 8, 2f, -1f);
        var x = Random(items * dim, 9, 1f, -0.5f);
        var best = Enumerable.Range(0, dim).Select(g => x[g]).ToArray();
        for (var i = 0; i < items; i += 3)
        {
            for (var g = 0; g < dim; g++)
            {
                var v = best[g];
                for (var step = 0; step < i % 11; step++)
                {
                    v = (i & 1) == 0 ? MathF.BitIncrement(v) : MathF.BitDecrement(v);
                }

                x[(i * dim) + g] = v + ((i % 5) * 1e-6f);
            }
        }

        var bias = new float[items];
        for (var i = 0; i < items; i++)
        {
            bias[i] = (i % 4) * 1e-7f;
        }

        AssertSame(users, items, dim, 10, u, x, bias);
        AssertSame(users, items, dim, 25, u, x, null);
    }

    [Fact]
    public void NaN_and_infinite_biases_and_dead_items_give_the_fp32_answer()
    {
        const int users = 20;
        const int items = 700;
        const int dim = 12;
        var u = Random(users * dim, 10, 2f, -1f);
        var x = Random(items * dim, 11, 1f, -0.5f);
        var bias = Random(items, 12, 0.2f);
        for (var i = 0; i < items; i++)
        {
            bias[i] = (i % 13) switch
            {
                0 => float.NaN,
                1 or 2 or 3 => float.NegativeInfinity,
                _ => bias[i],
            };
        }

        // A whole run of dead items (whole tiles of -infinity) and two +infinity biases.
        for (var i = 100; i < 300; i++)
        {
            bias[i] = float.NegativeInfinity;
        }

        bias[450] = float.PositiveInfinity;
        bias[17] = float.PositiveInfinity;
        AssertSame(users, items, dim, 10, u, x, bias);
        AssertSame(users, items, dim, 1, u, x, bias);
    }

    [Fact]
    public void Fewer_live_items_than_k_leave_the_same_empty_slots()
    {
        const int users = 9;
        const int items = 400;
        const int dim = 16;
        var u = Random(users * dim, 13, 2f, -1f);
        var x = Random(items * dim, 14, 1f, -0.5f);
        var bias = Enumerable.Repeat(float.NegativeInfinity, items).ToArray();
        foreach (var live in new[] { 3, 77, 391 })
        {
            bias[live] = 0.1f;
        }

        AssertSame(users, items, dim, 10, u, x, bias);
        var nan = Enumerable.Repeat(float.NaN, items).ToArray();
        nan[5] = 0f;
        AssertSame(users, items, dim, 10, u, x, nan);
    }

    [Fact]
    public void Non_finite_users_and_zero_users_give_the_fp32_answer()
    {
        const int users = 10;
        const int items = 300;
        const int dim = 16;
        var u = Random(users * dim, 15, 2f, -1f);
        u[3] = float.NaN;
        u[(2 * dim) + 5] = float.PositiveInfinity;
        Array.Clear(u, 4 * dim, dim);
        u[5 * dim] = 1e-40f;
        u[(6 * dim) + 1] = 3e38f;
        var x = Random(items * dim, 16, 1f, -0.5f);
        AssertSame(users, items, dim, 10, u, x, Random(items, 17, 0.2f));
    }

    [Fact]
    public void Huge_and_tiny_magnitudes_give_the_fp32_answer()
    {
        const int users = 8;
        const int items = 256;
        const int dim = 8;
        var u = Random(users * dim, 18, 2f, -1f);
        var tiny = Random(items * dim, 19, 1e-38f, -0.5e-38f);
        AssertSame(users, items, dim, 10, u, tiny, null);
        var huge = Random(items * dim, 20, 1e30f, -0.5e30f);
        AssertSame(users, items, dim, 10, u, huge, null);
        var wide = Random(items * dim, 21, 1f, -0.5f);
        wide[7] = 1e12f;
        AssertSame(users, items, dim, 10, u, wide, Random(items, 22, 1e20f));
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        const int users = 333;
        const int items = 600;
        const int dim = 16;
        var u = Random(users * dim, 23, 2f, -1f);
        var x = Random(items * dim, 24, 1f, -0.5f);
        var one = Run(true, users, items, dim, 10, u, x, null, threads: 1);
        var two = Run(true, users, items, dim, 10, u, x, null, threads: 2);
        Assert.Equal(one.Items, two.Items);
        Assert.Equal(one.Scores, two.Scores);
        Assert.Equal(one.Survivors, two.Survivors);
    }

    [Fact]
    public void The_score_path_names_the_prefilter_only_where_it_runs()
    {
        using var fp32 = new CpuEngine(1, prefilter: false);
        Assert.Equal("fp32", fp32.ScorePath);
        using var auto = new CpuEngine(1);
        Assert.Equal(Vnni ? "int8 prefilter (AVX-VNNI) + exact fp32 rescoring of survivors" : "fp32", auto.ScorePath);
    }
}
