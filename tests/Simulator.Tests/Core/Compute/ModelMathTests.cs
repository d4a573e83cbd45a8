using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Metrics;
using Simulator.Core.Randomness;

namespace Simulator.Tests.Core.Compute;

/// <summary>The ground-truth formulas against hand-worked values and their own definitions.</summary>
public sealed class ModelMathTests
{
    private static readonly ChoiceParameters Choice = new(10f, 1f, 1f, 1f, 0.8f, 1f, 0.2f, 0.5f);

    [Theory]
    [InlineData(ForgettingCurve.Exponential, 8f, 0f)]
    [InlineData(ForgettingCurve.Sigmoid, 10f, 3f)]
    [InlineData(ForgettingCurve.PowerLaw, 4f, 0.8f)]
    public void Retention_starts_at_one_and_decreases(ForgettingCurve curve, float p1, float p2)
    {
        Assert.Equal(1f, ForgettingMath.Retention(curve, 0f, p1, p2), 5);
        var previous = 1f;
        for (var dt = 1; dt < 100; dt++)
        {
            var r = ForgettingMath.Retention(curve, dt, p1, p2);
            Assert.True(r < previous && r > 0f, $"R({dt}) = {r} after {previous}");
            previous = r;
        }
    }

    [Fact]
    public void Retention_hits_textbook_values()
    {
        // Exponential: one half-life halves; sigmoid: at the midpoint R = (1 + e^(-m/s)) / 2.
        Assert.Equal(0.5f, ForgettingMath.Retention(ForgettingCurve.Exponential, 8f, 8f, 0f), 5);
        Assert.Equal((1f + MathF.Exp(-10f / 3f)) / 2f, ForgettingMath.Retention(ForgettingCurve.Sigmoid, 10f, 10f, 3f), 5);
        Assert.Equal(MathF.Pow(2f, -0.8f), ForgettingMath.Retention(ForgettingCurve.PowerLaw, 4f, 4f, 0.8f), 5);
        Assert.Equal(0.1f + (0.9f * 0.5f), ForgettingMath.Strength(ForgettingCurve.Exponential, 1f, 8f, 8f, 0f, 0.1f), 5);
        Assert.Equal(0.5f + (0.6f * 0.5f), ForgettingMath.Reinforce(0.5f, 0.6f), 6);
    }

    [Fact]
    public void Ndcg_hand_worked_example()
    {
        // gains (3, 2, 3, 0, 1) vs ideal (3, 3, 2, 1, 0): DCG = 3 + 2/log2(3) + 3/2 + 0 + 1/log2(6).
        double[] gains = [3, 2, 3, 0, 1];
        double[] ideal = [3, 3, 2, 1, 0];
        var dcg = 3 + (2 / Math.Log2(3)) + 1.5 + (1 / Math.Log2(6));
        var idcg = 3 + (3 / Math.Log2(3)) + 1 + (1 / Math.Log2(5));
        Assert.Equal(dcg, RankingMetrics.Dcg(gains), 12);
        Assert.Equal(dcg / idcg, RankingMetrics.Ndcg(gains, ideal), 12);
        Assert.Equal(1.0, RankingMetrics.Ndcg(ideal, ideal), 12);
        Assert.Equal(0.0, RankingMetrics.Ndcg([0, 0, 0, 0, 0], ideal), 12);
    }

    [Fact]
    public void Ndcg_is_invariant_to_items_outside_the_slate_and_drops_when_swapped()
    {
        double[] ideal = [0.9, 0.7, 0.5];
        Assert.Equal(1.0, RankingMetrics.Ndcg(ideal, ideal), 12);
        Assert.True(RankingMetrics.Ndcg([0.7, 0.9, 0.5], ideal) < 1.0);
    }

    [Fact]
    public void Slate_click_probability_matches_the_logit_formula_and_expected_ctr_is_its_per_impression_share()
    {
        double[] v = [2.0, 1.0, 0.5];
        var s = Math.Exp(2.0) + (0.8 * Math.Exp(1.0)) + (0.64 * Math.Exp(0.5));
        var expected = s / (Math.Exp(1.0) + s);
        Assert.Equal(expected, RankingMetrics.SlateClickProbability(v, Choice), 6);
        Assert.Equal(expected / 3, RankingMetrics.ExpectedCtr(v, Choice), 6);

        // Highest utility at the best position is optimal (rearrangement): any swap loses.
        Assert.True(RankingMetrics.SlateClickProbability([0.5, 1.0, 2.0], Choice) < expected);
    }

    [Fact]
    public void Sampled_choices_match_logit_probabilities()
    {
        // One user, one slate, many ticks: chi-square of sampled positions vs P(j) (df = k, incl. no click).
        const int k = 4;
        const int dim = 3;
        const int draws = 20_000;
        float[] interest = [0.3f, 0.1f, 0.05f];
        float[] items = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.5f, 0];
        float[] quality = [0.2f, -0.1f, 0.3f, 0f];
        int[] slate = [0, 1, 2, 3];
        var counts = new int[k + 1];
        var probabilities = new float[k];
        float ctr = 0;
        for (var t = 0; t < draws; t++)
        {
            var chosen = ChoiceMath.RespondUser(interest, slate, items, quality, dim, Choice, 99, 5, (uint)t, probabilities, out ctr, out _);
            counts[chosen + 1]++;
        }

        var chi2 = 0.0;
        for (var j = -1; j < k; j++)
        {
            var p = j < 0 ? 1.0 - ctr : probabilities[j];
            var expected = p * draws;
            chi2 += (counts[j + 1] - expected) * (counts[j + 1] - expected) / expected;
        }

        // 99.9% quantile of chi-square with 4 degrees of freedom is 18.47.
        Assert.True(chi2 < 18.47, $"chi-square {chi2:F2} with counts {string.Join(",", counts)}");
    }

    [Fact]
    public void Keyed_random_is_uniform_and_gumbel_has_euler_mean()
    {
        const int n = 200_000;
        double sum = 0;
        double gumbel = 0;
        for (var i = 0; i < n; i++)
        {
            var u = KeyedRandom.Uniform(1, 2, (uint)i, 3, 4);
            Assert.InRange(u, float.Epsilon, 1f - float.Epsilon);
            sum += u;
            gumbel += KeyedRandom.Gumbel(1, 2, (uint)i, 3, 5);
        }

        Assert.Equal(0.5, sum / n, 2);
        Assert.Equal(0.5772, gumbel / n, 1);
        Assert.Equal(KeyedRandom.Bits(1, 2, 3, 4, 5), KeyedRandom.Bits(1, 2, 3, 4, 5));
        Assert.NotEqual(KeyedRandom.Bits(1, 2, 3, 4, 5), KeyedRandom.Bits(1, 2, 3, 5, 4));
    }
}
