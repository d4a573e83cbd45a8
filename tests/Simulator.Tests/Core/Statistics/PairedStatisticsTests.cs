using Simulator.Core.Results;
using Simulator.Core.Statistics;

namespace Simulator.Tests.Core.Statistics;

/// <summary>Across-seed statistics: Holm, the paired t-test, the bootstrap and normalised scores.</summary>
public sealed class PairedStatisticsTests
{
    [Fact]
    public void Holm_adjusts_a_hand_worked_family_in_input_order()
    {
        // Sorted: 0.005 x4 = 0.02; 0.01 x3 = 0.03; 0.03 x2 = 0.06; 0.04 x1 = 0.04 -> max(0.06, 0.04) = 0.06.
        var adjusted = PairedStatistics.Holm([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 12)));
    }

    [Fact]
    public void Holm_caps_at_one_and_leaves_nan_outside_the_family()
    {
        // Family of two (NaN excluded): 0.02 x 2 = 0.04, then 0.5 x 1 = 0.5.
        var adjusted = PairedStatistics.Holm([0.5, double.NaN, 0.02]);
        Assert.Equal(0.5, adjusted[0], 12);
        Assert.True(double.IsNaN(adjusted[1]));
        Assert.Equal(0.04, adjusted[2], 12);

        // 0.6 x 2 = 1.2 is capped at 1, and the step-down keeps 0.7 x 1 at that 1.
        Assert.Equal([1.0, 1.0], PairedStatistics.Holm([0.6, 0.7]));
    }

    [Fact]
    public void Paired_t_test_matches_the_closed_form_for_two_degrees_of_freedom()
    {
        // d = 1, 2, 3: t = 2 / (1 / sqrt 3) = sqrt 12; for df = 2, F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
        var t = Math.Sqrt(12);
        var expected = 2 * (1 - (0.5 + (t / (2 * Math.Sqrt(2 + (t * t))))));
        Assert.Equal(expected, PairedStatistics.PairedTTestP([1, 2, 3]), 9);
        Assert.Equal(1.0, PairedStatistics.PairedTTestP([0, 0, 0]));
        Assert.Equal(0.0, PairedStatistics.PairedTTestP([0.5, 0.5]));
        Assert.True(double.IsNaN(PairedStatistics.PairedTTestP([1.0])));
    }

    /// <summary>
    /// Twins by hand: per seed (time-aware, twin) = (0.5, 0.4), (0.6, 0.4), (0.7, 0.4) gives
    /// differences 0.1, 0.2, 0.3, mean 0.2 and the df = 2 closed-form p; a twin that did not run,
    /// and a strategy without a twin, give no cell; the family of Holm is the twin cells alone.
    /// </summary>
    [Fact]
    public void Twins_are_paired_time_aware_minus_time_blind_and_pairs_that_did_not_run_are_left_out()
    {
        string[] strategies = ["random", "gru4rec", "time-lstm", "tisasrec"];
        string[] metrics = ["ndcg@10"];
        double[][][] perSeed =
        [
            [[0.3, 0.3, 0.3]],
            [[0.4, 0.4, 0.4]],
            [[0.5, 0.6, 0.7]],
            [[0.9, 0.9, 0.9]],
        ];
        var twins = new Dictionary<string, string> { ["time-lstm"] = "gru4rec", ["tisasrec"] = "sasrec" };
        var result = PairedStatistics.CompareTwins(strategies, metrics, perSeed, twins, 42);
        var twin = Assert.Single(result);
        Assert.Equal(("gru4rec", "time-lstm", "ndcg@10"), (twin.Twin, twin.Comparison.Strategy, twin.Comparison.Metric));
        Assert.Equal([0.1, 0.2, 0.3], twin.Comparison.Differences.Select(d => Math.Round(d, 12)));
        Assert.Equal(0.2, twin.Comparison.MeanDiff, 12);
        Assert.Equal(PairedStatistics.PairedTTestP(twin.Comparison.Differences), twin.Comparison.P);
        Assert.Equal(twin.Comparison.P, twin.Comparison.PHolm);
        Assert.Empty(PairedStatistics.CompareTwins(["random", "time-lstm"], metrics, [perSeed[0], perSeed[2]], twins, 42));
    }

    [Fact]
    public void Bootstrap_interval_is_deterministic_and_brackets_the_mean()
    {
        double[] d = [0.1, 0.3, 0.2, 0.5, 0.4, 0.25];
        var a = PairedStatistics.BootstrapCi(d, 42, 7);
        var b = PairedStatistics.BootstrapCi(d, 42, 7);
        Assert.Equal(a, b);
        Assert.NotEqual(a, PairedStatistics.BootstrapCi(d, 42, 8));
        Assert.InRange(d.Average(), a.Low, a.High);
        Assert.True(a.Low >= d.Min() && a.High <= d.Max());
        var constant = PairedStatistics.BootstrapCi([0.7, 0.7, 0.7], 1, 1);
        Assert.Equal(0.7, constant.Low, 12); // summing three 0.7s rounds in the last bit
        Assert.Equal(0.7, constant.High, 12);
    }

    [Fact]
    public void Quantile_interpolates_linearly_between_order_statistics()
    {
        double[] sorted = [1, 2, 3, 4, 5];
        Assert.Equal(3.0, Quantiles.OfSorted(sorted, 0.5));
        Assert.Equal(1.1, Quantiles.OfSorted(sorted, 0.025), 12);
        Assert.Equal(5.0, Quantiles.OfSorted(sorted, 1.0));
    }

    [Fact]
    public void Compare_pairs_seeds_drops_nan_pairs_and_skips_the_reference()
    {
        string[] strategies = ["ref", "a", "b"];
        string[] metrics = ["m", "only_some"];
        var perSeed = new[]
        {
            new[] { new[] { 1.0, 2.0, 3.0 }, new[] { double.NaN, double.NaN, double.NaN } },
            new[] { new[] { 2.0, 4.0, 6.0 }, new[] { double.NaN, double.NaN, double.NaN } },
            new[] { new[] { 1.0, 2.0, 3.0 }, new[] { 1.0, 1.0, 1.0 } },
        };
        var result = PairedStatistics.Compare(strategies, metrics, perSeed, "ref", 9);
        Assert.Equal("ref", result.Reference);
        Assert.Null(result.Find("ref", "m"));
        Assert.Null(result.Find("a", "only_some")); // no paired seed left
        var a = result.Find("a", "m")!;
        Assert.Equal([1.0, 2.0, 3.0], a.Differences);
        Assert.Equal(2.0, a.MeanDiff, 12);
        Assert.Equal(PairedStatistics.PairedTTestP([1, 2, 3]), a.P);
        var b = result.Find("b", "m")!;
        Assert.Equal(0.0, b.MeanDiff);
        Assert.Equal(1.0, b.P);

        // Holm over the two defined cells.
        Assert.Equal(Math.Min(1, 2 * a.P), a.PHolm, 12);
    }

    [Fact]
    public void Mean_with_ci_leaves_out_nan_seeds()
    {
        var s = Summaries.MeanWithCi([1.0, double.NaN, 3.0]);
        Assert.Equal(2.0, s.Mean, 12);
        Assert.Equal(2, s.Seeds);
        var none = Summaries.MeanWithCi([double.NaN]);
        Assert.True(double.IsNaN(none.Mean));
        Assert.Equal(0, none.Seeds);
    }

    [Fact]
    public void Normalised_score_maps_random_to_zero_and_oracle_to_one()
    {
        Assert.Equal(1.0, Normalisation.Normalise(0.83, 0.31, 0.83));
        Assert.Equal(0.0, Normalisation.Normalise(0.31, 0.31, 0.83));
        Assert.Equal(0.5, Normalisation.Normalise(0.2, 0.1, 0.3)!.Value, 12);
        Assert.Null(Normalisation.Normalise(0.2, 0.4, 0.4));
        Assert.Null(Normalisation.Normalise(double.NaN, 0.1, 0.4));

        var summary = new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>
        {
            ["random"] = new Dictionary<string, MetricSummary> { ["m"] = new(0.2, 0.2, 0.2, 0, 1) },
            ["oracle"] = new Dictionary<string, MetricSummary> { ["m"] = new(0.6, 0.6, 0.6, 0, 1) },
            ["x"] = new Dictionary<string, MetricSummary> { ["m"] = new(0.5, 0.5, 0.5, 0, 1) },
        };
        var n = Normalisation.Compute(summary, ["random", "oracle", "x"], ["m"]);
        Assert.Equal(0.75, n["x"]["m"], 12);
        Assert.Empty(Normalisation.Compute(summary.Where(kv => kv.Key != "oracle").ToDictionary(), ["random", "x"], ["m"]));
    }
}
