using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Metrics;

/// <summary>Pure metric functions over one user's slate, given true utilities per slate position.</summary>
public static class RankingMetrics
{
    /// <summary>log2(j + 2) for the first positions: the same values, computed once instead of twice per user, world and tick.</summary>
    private static readonly double[] Log2Discount = Enumerable.Range(0, 64).Select(j => Math.Log2(j + 2)).ToArray();

    /// <summary>
    /// Graded relevance of an item of true utility v: its click probability if shown alone,
    /// sigma((v - v0)/tau), in (0, 1) and increasing in v, so the oracle's utility order is the ideal order.
    /// </summary>
    public static double Gain(double utility, in ChoiceParameters p) =>
        1.0 / (1.0 + Math.Exp(-(utility - p.NoClickUtility) / p.Temperature));

    /// <summary>DCG = sum_j gain_j / log2(j + 2) over 0-based positions j. Range [0, sum of 1/log2(j+2)).</summary>
    public static double Dcg(ReadOnlySpan<double> gains)
    {
        var dcg = 0.0;
        for (var j = 0; j < gains.Length; j++)
        {
            dcg += gains[j] / (j < Log2Discount.Length ? Log2Discount[j] : Math.Log2(j + 2));
        }

        return dcg;
    }

    /// <summary>
    /// NDCG = DCG / IDCG, with IDCG the DCG of the ideal slate (the oracle's top-k over the whole
    /// catalog). Range [0, 1]: 1 for the ideal slate; 0 only when no slate item has any gain.
    /// </summary>
    public static double Ndcg(ReadOnlySpan<double> gains, ReadOnlySpan<double> idealGains)
    {
        var ideal = Dcg(idealGains);
        return ideal > 0 ? Dcg(gains) / ideal : 0.0;
    }

    /// <summary>
    /// Expected click-through rate per impression (clicks / shown items) of a slate: the mean of
    /// its items' exact click probabilities, <see cref="SlateClickProbability"/> / k. Per
    /// impression, not per slate, so it is the mean of an export's true_prob column and comparable
    /// across slate sizes. Range [0, 1/k).
    /// </summary>
    public static double ExpectedCtr(ReadOnlySpan<double> utilities, in ChoiceParameters p) =>
        utilities.Length > 0 ? SlateClickProbability(utilities, p) / utilities.Length : 0.0;

    /// <summary>
    /// Probability that a slate gets a click under the multinomial logit with a no-click option
    /// and position bias: 1 - P(no click) = S / (e^(v0/tau) + S), S = sum_j g^j e^(v_j/tau).
    /// Range [0, 1). Computed in double with the max subtracted, so large utilities do not overflow.
    /// </summary>
    public static double SlateClickProbability(ReadOnlySpan<double> utilities, in ChoiceParameters p)
    {
        var invT = 1.0 / p.Temperature;
        var logDecay = Math.Log(p.PositionDecay);
        var noClick = p.NoClickUtility * invT;
        var max = noClick;
        for (var j = 0; j < utilities.Length; j++)
        {
            max = Math.Max(max, (utilities[j] * invT) + (j * logDecay));
        }

        var clicks = 0.0;
        for (var j = 0; j < utilities.Length; j++)
        {
            clicks += Math.Exp((utilities[j] * invT) + (j * logDecay) - max);
        }

        return clicks / (Math.Exp(noClick - max) + clicks);
    }

    /// <summary>
    /// Recall@k = |slate ∩ ideal| / |ideal|: the share of the oracle's top-k present in the slate,
    /// in any position. Range [0, 1]: 1 when the slate holds every ideal item, 0 with no overlap.
    /// Invariant to the order of either list.
    /// </summary>
    public static double Recall(ReadOnlySpan<int> slate, ReadOnlySpan<int> ideal)
    {
        if (ideal.IsEmpty)
        {
            return 0.0;
        }

        var hits = 0;
        foreach (var item in ideal)
        {
            if (slate.Contains(item))
            {
                hits++;
            }
        }

        return (double)hits / ideal.Length;
    }

    /// <summary>HitRate@k = 1 if any slate item is in the oracle's top-k, else 0. Range {0, 1}.</summary>
    public static double HitRate(ReadOnlySpan<int> slate, ReadOnlySpan<int> ideal) =>
        FirstHit(slate, ideal) >= 0 ? 1.0 : 0.0;

    /// <summary>
    /// Reciprocal rank = 1 / r, r the 1-based slate position of the first item that is in the
    /// oracle's top-k; 0 when there is none. Range [0, 1]: 1 when the first slate item is ideal.
    /// </summary>
    public static double ReciprocalRank(ReadOnlySpan<int> slate, ReadOnlySpan<int> ideal)
    {
        var first = FirstHit(slate, ideal);
        return first >= 0 ? 1.0 / (first + 1) : 0.0;
    }

    /// <summary>
    /// Intra-list diversity = mean over unordered slate pairs (i, j) of 1 - cos(x_i, x_j), with
    /// x the item embeddings (rows of <paramref name="items"/>, d wide). Range [0, 1] for the
    /// non-negative topic-mixture embeddings ([0, 2] in general); 0 for fewer than two items.
    /// </summary>
    public static double IntraListDiversity(ReadOnlySpan<int> slate, ReadOnlySpan<float> items, int dim)
    {
        if (slate.Length < 2)
        {
            return 0.0;
        }

        var sum = 0.0;
        for (var a = 0; a < slate.Length; a++)
        {
            var x = items.Slice(slate[a] * dim, dim);
            for (var b = a + 1; b < slate.Length; b++)
            {
                sum += 1.0 - Cosine(x, items.Slice(slate[b] * dim, dim));
            }
        }

        return sum / (slate.Length * (slate.Length - 1) / 2.0);
    }

    /// <summary>
    /// cos(a, b) = a.b / sqrt(|a|^2 |b|^2) in double; NaN when either vector is zero. Computed
    /// with one square root of the product so that cos(a, a) is exactly 1 (sqrt(x^2) == x in IEEE).
    /// </summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var g = 0; g < a.Length; g++)
        {
            dot += (double)a[g] * b[g];
            na += (double)a[g] * a[g];
            nb += (double)b[g] * b[g];
        }

        return na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : double.NaN;
    }

    /// <summary>
    /// Tracking error = 1 - cos(estimate, truth). Range [0, 2] (0 when the estimate points the
    /// same way as the true interest; scale does not matter). NaN when either vector is zero.
    /// </summary>
    public static double TrackingError(ReadOnlySpan<float> estimate, ReadOnlySpan<float> truth) =>
        1.0 - Cosine(estimate, truth);

    /// <summary>
    /// Steck's miscalibration C = KL(p || q~) = sum_g p_g ln(p_g / q~_g), with p the target topic
    /// distribution, q the slate's, and q~ = (1 - alpha) q + alpha p so it is finite. Both inputs
    /// are normalised here (non-negative weights). Range [0, ln(1/alpha)] nats: 0 when q = p.
    /// NaN when p has no mass.
    /// </summary>
    public static double Miscalibration(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double alpha)
    {
        double sp = 0, sq = 0;
        for (var g = 0; g < p.Length; g++)
        {
            sp += p[g];
            sq += q[g];
        }

        if (sp <= 0)
        {
            return double.NaN;
        }

        var kl = 0.0;
        for (var g = 0; g < p.Length; g++)
        {
            var pg = p[g] / sp;
            if (pg <= 0)
            {
                continue;
            }

            var qg = sq > 0 ? q[g] / sq : 0.0;
            kl += pg * Math.Log(pg / (((1 - alpha) * qg) + (alpha * pg)));
        }

        // Rounding can leave -1e-17 for identical distributions; KL is non-negative by definition.
        return Math.Max(0.0, kl);
    }

    /// <summary>
    /// Exposure Gini over items: G = sum_i (2i - M - 1) c_(i) / (M sum c), c_(i) the counts in
    /// ascending order (1-based i). Range [0, 1 - 1/M]: 0 when every item is shown equally often,
    /// 1 - 1/M when one item takes all exposure. 0 when nothing was shown.
    /// </summary>
    public static double Gini(ReadOnlySpan<long> counts)
    {
        var m = counts.Length;
        if (m == 0)
        {
            return 0.0;
        }

        var sorted = counts.ToArray();
        Array.Sort(sorted);
        double total = 0, weighted = 0;
        for (var i = 0; i < m; i++)
        {
            total += sorted[i];
            weighted += ((2.0 * (i + 1)) - m - 1) * sorted[i];
        }

        return total > 0 ? weighted / (m * total) : 0.0;
    }

    /// <summary>Coverage = |{i : c_i > 0}| / M. Range [0, 1]: 1 when every catalog item was shown.</summary>
    public static double Coverage(ReadOnlySpan<long> counts)
    {
        if (counts.IsEmpty)
        {
            return 0.0;
        }

        var shown = 0;
        foreach (var c in counts)
        {
            if (c > 0)
            {
                shown++;
            }
        }

        return (double)shown / counts.Length;
    }

    /// <summary>
    /// Self-information of each item given cumulative exposure counts C: -log2 p_i with the
    /// Laplace-smoothed popularity p_i = (1 + C_i) / (M + sum C), so never-shown items are finite.
    /// Novelty of a slate is the mean of its items' values. Range [0, inf); log2 M for a fresh catalog.
    /// </summary>
    public static void SelfInformation(ReadOnlySpan<long> cumulative, Span<double> result)
    {
        var total = (double)cumulative.Length;
        foreach (var c in cumulative)
        {
            total += c;
        }

        for (var i = 0; i < cumulative.Length; i++)
        {
            result[i] = -Math.Log2((1.0 + cumulative[i]) / total);
        }
    }

    private static int FirstHit(ReadOnlySpan<int> slate, ReadOnlySpan<int> ideal)
    {
        for (var j = 0; j < slate.Length; j++)
        {
            if (ideal.Contains(slate[j]))
            {
                return j;
            }
        }

        return -1;
    }
}
