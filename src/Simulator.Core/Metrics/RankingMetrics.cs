using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Metrics;

/// <summary>Pure metric functions over one user's slate, given true utilities per slate position.</summary>
public static class RankingMetrics
{
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
            dcg += gains[j] / Math.Log2(j + 2);
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
    /// Expected CTR of a slate under the multinomial logit with a no-click option and position
    /// bias: 1 - P(no click) = S / (e^(v0/tau) + S), S = sum_j g^j e^(v_j/tau). Range [0, 1).
    /// Computed in double with the max subtracted, so large utilities do not overflow.
    /// </summary>
    public static double ExpectedCtr(ReadOnlySpan<double> utilities, in ChoiceParameters p)
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
}
