using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu.Tests;

/// <summary>
/// The int8-prefiltered score + top-k (d &lt;= 32) against the fp32 kernel on the same engine: slates
/// and scores bit-identical, on random and adversarial data (ties, near-ties, items within the bound
/// of the k-th score, NaN and infinite values, k above the live items).
/// </summary>
public abstract partial class ParityChecks
{
    public static TheoryData<int, int, int, int, bool> PrefilterCases => new()
    {
        { 1, 64, 1, 1, false },
        { 37, 300, 5, 10, true },
        { 130, 700, 16, 10, false },
        { 130, 700, 16, 10, true },
        { 70, 1000, 32, 64, true },
        { 300, 2000, 32, 10, true },
    };

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(PrefilterCases))]
    public Task Prefiltered_score_topk_equals_the_fp32_kernel_bit_for_bit(int users, int items, int dim, int k, bool withBias) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var u = TestData.Floats(91, users * dim, -1f, 1f);
        var it = TestData.Floats(92, items * dim, 0f, 1f);
        var bias = withBias ? TestData.Floats(93, items, -0.5f, 0.5f) : null;
        var (survivors, pairs) = AssertPrefilterMatches(engine, users, items, dim, k, u, it, bias);
        Assert.Equal((long)users * items, pairs);

        // The filter filters: random vectors leave most items far below the k-th score (the
        // first tile's items are rescored while the top-k fills).
        Assert.True(survivors >= users * Math.Min(k, items), $"{survivors} survivors");
        if (items >= 700)
        {
            Assert.True(survivors < pairs / 2, $"{survivors} of {pairs} rescored");
        }
    });

    [SkippableFact(Timeout = TimeoutMs)]
    public Task Prefilter_keeps_exact_ties_and_ulp_near_ties_in_the_fp32_order() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 40, items = 400, dim = 8, k = 10;
        var u = TestData.Floats(94, users * dim, -1f, 1f);
        var it = TestData.Floats(95, items * dim, -1f, 1f);

        // Groups of 25 copies of one vector (exact ties), and every fifth copy one ulp away in
        // one component (near-ties below any int8 step).
        for (var i = 0; i < items; i++)
        {
            var source = i / 25 * 25;
            for (var g = 0; g < dim; g++)
            {
                var x = it[(source * dim) + g];
                it[(i * dim) + g] = i % 5 == 4 && g == i % dim ? MathF.BitIncrement(x) : x;
            }
        }

        AssertPrefilterMatches(engine, users, items, dim, k, u, it, null);
    });

    [SkippableFact(Timeout = TimeoutMs)]
    public Task Prefilter_rescores_items_within_the_bound_of_the_kth_score() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 20, items = 512, dim = 16, k = 10;
        var u = TestData.Floats(96, users * dim, -1f, 1f);

        // Every item is one vector plus a perturbation far below the int8 step (1/127 of the
        // range, set by two far items): the int8 scores cannot separate them, the fp32 scores can.
        var it = new float[items * dim];
        var jitter = TestData.Floats(97, items * dim, -1e-4f, 1e-4f);
        for (var i = 0; i < items; i++)
        {
            for (var g = 0; g < dim; g++)
            {
                it[(i * dim) + g] = i == 0 ? -1f : i == 1 ? 1f : 0.25f + jitter[(i * dim) + g];
            }
        }

        var (survivors, pairs) = AssertPrefilterMatches(engine, users, items, dim, k, u, it, null);
        Assert.True(survivors > pairs / 2, $"{survivors} of {pairs} rescored: the near-equal items must survive");
    });

    [SkippableFact(Timeout = TimeoutMs)]
    public Task Prefilter_handles_nan_infinite_zero_and_huge_values_as_the_fp32_kernel() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 9, items = 200, dim = 12, k = 8;
        var u = TestData.Floats(98, users * dim, -1f, 1f);
        var it = TestData.Floats(99, items * dim, -1f, 1f);
        var bias = TestData.Floats(100, items, -0.5f, 0.5f);
        u[(1 * dim) + 3] = float.NaN;
        u[(2 * dim) + 5] = float.PositiveInfinity;
        Array.Clear(u, 3 * dim, dim);
        u[(4 * dim) + 1] = 3e35f;
        u[(5 * dim) + 2] = 1e-40f;
        it[(10 * dim) + 2] = float.NaN;
        it[(11 * dim) + 7] = float.NegativeInfinity;
        it[(12 * dim) + 1] = 1e20f;
        bias[20] = float.NaN;
        bias[21] = float.PositiveInfinity;
        bias[22] = float.NegativeInfinity;
        bias[23] = 1e31f;
        bias[24] = -1e31f;
        AssertPrefilterMatches(engine, users, items, dim, k, u, it, bias);
    });

    [SkippableTheory(Timeout = TimeoutMs)]
    [InlineData(5, 10)]
    [InlineData(1, 64)]
    [InlineData(129, 64)]
    public Task Prefilter_fills_a_top_k_larger_than_the_catalog_as_the_fp32_kernel(int items, int k) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 11, dim = 7;
        var u = TestData.Floats(101, users * dim, -1f, 1f);
        var it = TestData.Floats(102, items * dim, -1f, 1f);
        AssertPrefilterMatches(engine, users, items, dim, k, u, it, TestData.Floats(103, items, -1f, 1f), sizeRule: false);
    });

    [SkippableFact(Timeout = TimeoutMs)]
    public Task Prefilter_handles_a_catalog_of_identical_items() => TestData.Run(() =>
    {
        // Every item equals the centre: the item scale is zero and every int8 score is the bias.
        var engine = RequireEngine();
        const int users = 10, items = 100, dim = 4, k = 5;
        var u = TestData.Floats(104, users * dim, -1f, 1f);
        var it = new float[items * dim];
        Array.Fill(it, 0.5f);
        AssertPrefilterMatches(engine, users, items, dim, k, u, it, TestData.Floats(105, items, -1f, 1f));
        AssertPrefilterMatches(engine, users, items, dim, k, u, it, null);
    });

    [SkippableFact(Timeout = TimeoutMs)]
    public Task Prefilter_stays_off_below_its_size_rule_and_by_default() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        Assert.False(engine.Int8Prefilter);
        Assert.Equal("fp32", engine.ScorePath);
        const int users = 4, items = 70, dim = 4, k = 10;
        var u = TestData.Floats(106, users * dim, -1f, 1f);
        var it = TestData.Floats(107, items * dim, -1f, 1f);
        var (_, pairs) = AssertPrefilterMatches(engine, users, items, dim, k, u, it, null);
        Assert.Equal(0, pairs);
    });

    /// <summary>
    /// Runs the fp32 kernel and the prefiltered one on the same columns and asserts the slates and
    /// the scores' bits are equal; returns the prefilter's survivors and pairs.
    /// </summary>
    internal static (long Survivors, long Pairs) AssertPrefilterMatches(
        IlgpuEngine engine, int users, int items, int dim, int k, float[] u, float[] it, float[]? bias, bool sizeRule = true)
    {
        var expectedItems = new int[users * k];
        var expectedScores = new float[users * k];
        var actualItems = new int[users * k];
        var actualScores = new float[users * k];
        using var cols = new ColumnSet(engine);
        var uc = cols.In(u);
        var ic = cols.In(it);
        var bc = bias is null ? null : cols.In(bias);
        engine.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, uc, ic, bc, cols.Out(expectedItems), cols.Out(expectedScores)));
        engine.Int8Prefilter = true;
        engine.PrefilterSizeRule = sizeRule;
        engine.ResetPrefilterCounters();
        try
        {
            engine.ScoreTopK(new ScoreTopKOperands(users, items, dim, k, uc, ic, bc, cols.Out(actualItems), cols.Out(actualScores)));
            cols.DownloadAll();
            Assert.Equal(expectedItems, actualItems);
            Assert.Equal(Bits(expectedScores), Bits(actualScores));
            var survivors = engine.PrefilterSurvivors;
            Assert.InRange(survivors, 0, engine.PrefilterPairs);
            return (survivors, engine.PrefilterPairs);
        }
        finally
        {
            engine.Int8Prefilter = false;
            engine.PrefilterSizeRule = true;
        }
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}

/// <summary>The prefilter's integer dot product, outside any kernel.</summary>
public sealed class Dp4aTests
{
    [Fact]
    public void Emulated_dp4a_adds_the_four_signed_byte_products_to_the_accumulator()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 10_000; trial++)
        {
            var a = random.Next(int.MinValue, int.MaxValue);
            var b = random.Next(int.MinValue, int.MaxValue);
            var c = random.Next(-1_000_000, 1_000_000);
            var expected = c;
            for (var lane = 0; lane < 4; lane++)
            {
                expected += (sbyte)((a >> (8 * lane)) & 0xFF) * (sbyte)((b >> (8 * lane)) & 0xFF);
            }

            Assert.Equal(expected, Int8Prefilter32Kernel.Dp4a(a, b, c));
        }

        Assert.Equal(4 * 127 * 127, Int8Prefilter32Kernel.Dp4a(0x7F7F7F7F, 0x7F7F7F7F, 0));
        Assert.Equal(4 * -127 * 127, Int8Prefilter32Kernel.Dp4a(unchecked((int)0x81818181), 0x7F7F7F7F, 0));
    }
}
