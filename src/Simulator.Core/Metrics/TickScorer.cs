using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Metrics;

/// <summary>Metric sums over a range of users; merged across shards in shard order.</summary>
public sealed class MetricSums
{
    public double Ndcg { get; set; }

    public double ExpectedCtr { get; set; }

    public double RealisedCtr { get; set; }

    public double Regret { get; set; }

    public long ActiveUsers { get; set; }

    public MetricSums Add(MetricSums other)
    {
        Ndcg += other.Ndcg;
        ExpectedCtr += other.ExpectedCtr;
        RealisedCtr += other.RealisedCtr;
        Regret += other.Regret;
        ActiveUsers += other.ActiveUsers;
        return this;
    }

    /// <summary>The per-tick mean of a metric over active users (0 when nobody was active).</summary>
    public double Mean(string metric, int k)
    {
        if (ActiveUsers == 0)
        {
            return 0.0;
        }

        var sum = metric switch
        {
            MetricCatalog.ExpectedCtr => ExpectedCtr,
            MetricCatalog.RealisedCtr => RealisedCtr,
            MetricCatalog.Regret => Regret,
            _ when metric == MetricCatalog.Ndcg(k) => Ndcg,
            _ => throw new ArgumentException($"unknown metric {metric}", nameof(metric)),
        };
        return sum / ActiveUsers;
    }
}

/// <summary>
/// Scores one world's tick against ground truth, per user: the strategy's slate and the
/// oracle's ideal slate are both evaluated by the same code on true utilities, so the oracle
/// scores NDCG exactly 1 and regret exactly 0. Works on slates only, never on a users x items matrix.
/// </summary>
public static class TickScorer
{
    public static MetricSums Score(
        int start,
        int end,
        int dim,
        int k,
        float[] interest,
        float[] items,
        float[] quality,
        byte[] active,
        int[] slates,
        int[] idealSlates,
        int[] chosenPosition,
        in ChoiceParameters p)
    {
        var sums = new MetricSums();
        Span<double> utility = stackalloc double[k];
        Span<double> idealUtility = stackalloc double[k];
        Span<double> gain = stackalloc double[k];
        Span<double> idealGain = stackalloc double[k];
        for (var u = start; u < end; u++)
        {
            if (active[u] == 0)
            {
                continue;
            }

            var row = interest.AsSpan(u * dim, dim);
            Utilities(row, slates.AsSpan(u * k, k), items, quality, dim, p, utility);
            Utilities(row, idealSlates.AsSpan(u * k, k), items, quality, dim, p, idealUtility);
            for (var j = 0; j < k; j++)
            {
                gain[j] = RankingMetrics.Gain(utility[j], p);
                idealGain[j] = RankingMetrics.Gain(idealUtility[j], p);
            }

            var ctr = RankingMetrics.ExpectedCtr(utility, p);
            sums.Ndcg += RankingMetrics.Ndcg(gain, idealGain);
            sums.ExpectedCtr += ctr;
            sums.Regret += RankingMetrics.ExpectedCtr(idealUtility, p) - ctr;
            sums.RealisedCtr += chosenPosition[u] >= 0 ? 1.0 : 0.0;
            sums.ActiveUsers++;
        }

        return sums;
    }

    /// <summary>True utilities of a slate's items for one user (no noise, no position bias).</summary>
    public static void Utilities(
        ReadOnlySpan<float> interest, ReadOnlySpan<int> slate, float[] items, float[] quality, int dim, in ChoiceParameters p, Span<double> utility)
    {
        for (var j = 0; j < slate.Length; j++)
        {
            var item = slate[j];
            var row = items.AsSpan(item * dim, dim);
            var dot = 0f;
            for (var g = 0; g < dim; g++)
            {
                dot += interest[g] * row[g];
            }

            utility[j] = ChoiceMath.Utility(dot, quality[item], p.InterestWeight, p.QualityWeight);
        }
    }
}
