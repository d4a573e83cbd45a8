using Simulator.Core.Metrics;
using Simulator.Core.Randomness;

namespace Simulator.Tests.Core.Metrics;

/// <summary>The per-tick metrics: hand-worked textbook cases, boundaries and invariance properties.</summary>
public sealed class MetricTests
{
    // Exact arithmetic on a few doubles: only the last bits of the logs and divisions can differ.
    private const int Digits = 12;

    [Fact]
    public void Recall_hitrate_and_mrr_match_a_hand_worked_slate()
    {
        int[] slate = [1, 2, 3, 4];
        int[] ideal = [3, 4, 5, 6];
        Assert.Equal(0.5, RankingMetrics.Recall(slate, ideal), Digits);
        Assert.Equal(1.0, RankingMetrics.HitRate(slate, ideal), Digits);

        // The first slate item in the ideal set is item 3, at rank 3.
        Assert.Equal(1.0 / 3, RankingMetrics.ReciprocalRank(slate, ideal), Digits);
    }

    [Fact]
    public void Ranking_metrics_are_one_for_the_ideal_slate_and_zero_without_a_hit()
    {
        int[] ideal = [7, 8, 9];
        Assert.Equal(1.0, RankingMetrics.Recall(ideal, ideal));
        Assert.Equal(1.0, RankingMetrics.HitRate(ideal, ideal));
        Assert.Equal(1.0, RankingMetrics.ReciprocalRank(ideal, ideal));
        Assert.Equal(1.0, RankingMetrics.Recall([9, 7, 8], ideal));
        int[] miss = [1, 2, 3];
        Assert.Equal(0.0, RankingMetrics.Recall(miss, ideal));
        Assert.Equal(0.0, RankingMetrics.HitRate(miss, ideal));
        Assert.Equal(0.0, RankingMetrics.ReciprocalRank(miss, ideal));
    }

    [Fact]
    public void Recall_hitrate_and_ndcg_ignore_how_items_outside_the_top_k_are_arranged()
    {
        const int m = 40;
        const int k = 5;
        for (uint trial = 0; trial < 20; trial++)
        {
            // A catalog of gains; the slate mixes ideal items with others.
            var gains = Enumerable.Range(0, m).Select(i => (double)KeyedRandom.Uniform(3, 1, trial, 0, (uint)i)).ToArray();
            var ideal = TopK(gains, k);
            int[] slate = [ideal[2], Other(ideal, 0), ideal[0], Other(ideal, 1), Other(ideal, 2)];
            var recall = RankingMetrics.Recall(slate, ideal);
            var hit = RankingMetrics.HitRate(slate, ideal);
            var ndcg = RankingMetrics.Ndcg(slate.Select(i => gains[i]).ToArray(), ideal.Select(i => gains[i]).ToArray());

            // Permute the gains of the items outside the top-k among themselves, keeping the slate's
            // own items fixed: the ideal set, its gains and the slate's gains do not change.
            var outside = Enumerable.Range(0, m).Where(i => !ideal.Contains(i) && !slate.Contains(i)).ToArray();
            var shuffled = outside.OrderBy(i => KeyedRandom.Bits(5, 2, trial, 0, (uint)i)).ToArray();
            var permuted = (double[])gains.Clone();
            for (var j = 0; j < outside.Length; j++)
            {
                permuted[outside[j]] = gains[shuffled[j]];
            }

            var ideal2 = TopK(permuted, k);
            Assert.Equal(ideal, ideal2);
            Assert.Equal(recall, RankingMetrics.Recall(slate, ideal2));
            Assert.Equal(hit, RankingMetrics.HitRate(slate, ideal2));
            Assert.Equal(ndcg, RankingMetrics.Ndcg(slate.Select(i => permuted[i]).ToArray(), ideal2.Select(i => permuted[i]).ToArray()));

            // Reordering the non-ideal items inside the slate changes neither recall nor hit rate.
            int[] reordered = [slate[0], slate[4], slate[2], slate[1], slate[3]];
            Assert.Equal(recall, RankingMetrics.Recall(reordered, ideal));
            Assert.Equal(hit, RankingMetrics.HitRate(reordered, ideal));
        }
    }

    [Fact]
    public void Gini_matches_the_mean_absolute_difference_definition()
    {
        // Counts 1, 2, 3: sum |xi - xj| over ordered pairs = 8; G = 8 / (2 n^2 mean) = 8 / 36.
        Assert.Equal(8.0 / 36, RankingMetrics.Gini([3, 1, 2]), Digits);
        Assert.Equal(0.0, RankingMetrics.Gini([2, 2, 2, 2]), Digits);
        Assert.Equal(0.75, RankingMetrics.Gini([0, 0, 4, 0]), Digits); // 1 - 1/M: one item takes all
        Assert.Equal(0.0, RankingMetrics.Gini([0, 0, 0]));
    }

    [Fact]
    public void Coverage_counts_items_shown_at_least_once()
    {
        Assert.Equal(0.5, RankingMetrics.Coverage([0, 1, 0, 3]));
        Assert.Equal(1.0, RankingMetrics.Coverage([5, 1]));
        Assert.Equal(0.0, RankingMetrics.Coverage([0, 0]));
    }

    [Fact]
    public void Self_information_uses_laplace_smoothed_cumulative_popularity()
    {
        var fresh = new double[4];
        RankingMetrics.SelfInformation([0, 0, 0, 0], fresh);
        Assert.All(fresh, v => Assert.Equal(2.0, v, Digits)); // log2 M for a fresh catalog

        // Item 0 shown twice: p = (1 + 2) / (2 + 2) = 3/4; item 1: p = 1/4.
        var seen = new double[2];
        RankingMetrics.SelfInformation([2, 0], seen);
        Assert.Equal(-Math.Log2(0.75), seen[0], Digits);
        Assert.Equal(2.0, seen[1], Digits);
    }

    [Fact]
    public void Intra_list_diversity_averages_one_minus_cosine_over_pairs()
    {
        float[] items = [1, 0, 0, 1, 1, 0]; // x0 = (1,0), x1 = (0,1), x2 = (1,0)
        // Pairs (0,1) = 1, (0,2) = 0, (1,2) = 1.
        Assert.Equal(2.0 / 3, RankingMetrics.IntraListDiversity([0, 1, 2], items, 2), Digits);
        Assert.Equal(0.0, RankingMetrics.IntraListDiversity([0, 2], items, 2), Digits);
        Assert.Equal(0.0, RankingMetrics.IntraListDiversity([1], items, 2));
    }

    [Fact]
    public void Tracking_error_is_one_minus_cosine_and_exactly_zero_for_the_truth()
    {
        Assert.Equal(1 - (1 / Math.Sqrt(2)), RankingMetrics.TrackingError([1f, 0f], [1f, 1f]), Digits);
        Assert.Equal(1.0, RankingMetrics.TrackingError([1f, 0f], [0f, 3f]), Digits);

        // The oracle's estimate is the truth itself: exactly 0, not merely close.
        for (uint u = 0; u < 50; u++)
        {
            var v = Enumerable.Range(0, 17).Select(g => KeyedRandom.Uniform(9, 3, u, 0, (uint)g)).ToArray();
            Assert.Equal(0.0, RankingMetrics.TrackingError(v, v));
            Assert.Equal(0.0, RankingMetrics.TrackingError(v, v.Select(x => x * 3f).ToArray()), Digits); // scale-free
        }

        Assert.True(double.IsNaN(RankingMetrics.TrackingError([0f, 0f], [1f, 1f])));
    }

    [Fact]
    public void Miscalibration_is_steck_kl_with_smoothing()
    {
        // p = (1/2, 1/2), q = (1, 0), alpha = 0.01: q~ = (0.995, 0.005).
        var expected = (0.5 * Math.Log(0.5 / 0.995)) + (0.5 * Math.Log(0.5 / 0.005));
        Assert.Equal(expected, RankingMetrics.Miscalibration([1, 1], [3, 0], 0.01), Digits); // inputs are normalised
        Assert.Equal(0.0, RankingMetrics.Miscalibration([0.2, 0.8], [1, 4], 0.01), Digits);

        // The bound ln(1/alpha): all mass on a topic the slate lacks entirely.
        Assert.Equal(Math.Log(100), RankingMetrics.Miscalibration([1, 0], [0, 1], 0.01), Digits);
    }

    [Fact]
    public void Forgetting_error_counts_slate_items_on_lost_topics()
    {
        int[] topicOf = [0, 1, 2, 0];
        double[] strength = [0.9, 0.12, 0.5];
        var threshold = ForgettingMetrics.LostThreshold(0.1);
        Assert.Equal(0.19, threshold, Digits);
        Assert.Equal(1.0 / 3, ForgettingMetrics.ForgettingError([0, 1, 3], topicOf, strength, threshold), Digits);
        Assert.Equal(0.0, ForgettingMetrics.ForgettingError([0, 2, 3], topicOf, strength, threshold));
        Assert.Equal(1.0, ForgettingMetrics.ForgettingError([1], topicOf, strength, threshold));
    }

    [Fact]
    public void Over_forgetting_counts_held_ideal_topics_the_slate_dropped()
    {
        int[] topicOf = [0, 1, 2, 0, 2];
        double[] strength = [0.9, 0.12, 0.5];
        var threshold = ForgettingMetrics.LostThreshold(0.1);

        // Ideal topics {0, 1, 2}; topic 1 is lost, so H = {0, 2}; the slate covers 0 only.
        Assert.Equal(0.5, ForgettingMetrics.OverForgetting([3], [0, 1, 2], topicOf, strength, threshold), Digits);
        Assert.Equal(0.0, ForgettingMetrics.OverForgetting([3, 4], [0, 1, 2], topicOf, strength, threshold));
        Assert.Equal(0.0, ForgettingMetrics.OverForgetting([0, 1, 2], [0, 1, 2], topicOf, strength, threshold));

        // Topic 2 listed twice in the ideal slate still counts once.
        Assert.Equal(1.0, ForgettingMetrics.OverForgetting([1], [2, 4], topicOf, strength, threshold));
        Assert.True(double.IsNaN(ForgettingMetrics.OverForgetting([0], [1], topicOf, strength, threshold)));
    }

    [Fact]
    public void Metric_sums_skip_undefined_values_and_merge_counts()
    {
        var a = new MetricSums();
        a.Add(MetricId.TrackingError, 0.5);
        a.Add(MetricId.TrackingError, double.NaN);
        var b = new MetricSums();
        b.Add(MetricId.TrackingError, 0.1);
        a.Add(b);
        Assert.Equal(0.3, a.Mean(MetricId.TrackingError), Digits);
        Assert.True(double.IsNaN(a.Mean(MetricId.Recall)));
    }

    [Fact]
    public void Catalog_names_every_metric_once_and_defaults_leave_out_only_opt_in_ones()
    {
        var all = MetricCatalog.For(10);
        Assert.Equal(Enum.GetValues<MetricId>().Length, all.Count);
        Assert.Equal(all.Count, all.Select(m => m.Name).Distinct().Count());
        Assert.Equal(["ndcg@10", "expected_ctr", "realised_ctr", "regret"], MetricCatalog.Defaults(10).Take(4));
        Assert.DoesNotContain(MetricCatalog.Ild, MetricCatalog.Defaults(10));
        Assert.True(MetricCatalog.IsLowerBetter("calibration"));
        Assert.False(MetricCatalog.IsLowerBetter("recall@5"));
        Assert.Null(MetricCatalog.IsLowerBetter("made_up"));
    }

    private static int[] TopK(double[] gains, int k) =>
        Enumerable.Range(0, gains.Length).OrderByDescending(i => gains[i]).ThenBy(i => i).Take(k).ToArray();

    private static int Other(int[] ideal, int n) => Enumerable.Range(0, 1000).Where(i => !ideal.Contains(i)).ElementAt(n);
}
