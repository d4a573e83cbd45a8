using Simulator.Core.Results;

namespace Simulator.Core.Statistics;

/// <summary>One user's fitted and true forgetting rate in one seed (a row of parameter-recovery.csv).</summary>
public sealed record RecoveryPoint(ulong Seed, string Strategy, int User, double TrueRate, double FittedRate);

/// <summary>
/// Parameter recovery of one strategy: the Spearman correlation between its fitted forgetting
/// rate and the users' true forgetting speed, per seed, and their mean with 95% CI across seeds.
/// </summary>
public sealed record ParameterRecoveryResult(string Strategy, IReadOnlyList<double> PerSeed, MetricSummary Spearman);

/// <summary>
/// Parameter recovery (fitted vs true forgetting parameters): how well a strategy's fitted
/// per-user forgetting rate ranks users by their true forgetting speed 1 / CurveP1 (the inverse
/// of the curve's time scale). Only the ranking matters, so the statistic is Spearman's rho in
/// [-1, 1] (1 = same order), over the users for whom the strategy has an estimate.
/// </summary>
internal static class ParameterRecovery
{
    /// <summary>Users kept per seed and strategy in the points file.</summary>
    public const int MaxPoints = 2000;

    /// <summary>
    /// Spearman's rho: the Pearson correlation of the ranks, ties given their average rank.
    /// NaN with fewer than 3 pairs or when either side is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
        {
            throw new ArgumentException("x and y must have the same length");
        }

        if (x.Count < 3)
        {
            return double.NaN;
        }

        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>1-based ranks with ties averaged (ascending).</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ThenBy(i => i).ToArray();
        var ranks = new double[values.Count];
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1.0;
            for (var i = start; i <= end; i++)
            {
                ranks[order[i]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }

    /// <summary>
    /// One seed of one strategy: Spearman over users with a finite fitted rate, and at most
    /// <see cref="MaxPoints"/> of them (evenly strided in user order, so the choice is deterministic) as points.
    /// </summary>
    public static (double Rho, List<RecoveryPoint> Points) Measure(ulong seed, string strategy, ReadOnlySpan<float> fitted, ReadOnlySpan<float> curveP1)
    {
        var users = new List<int>();
        for (var u = 0; u < fitted.Length; u++)
        {
            if (float.IsFinite(fitted[u]))
            {
                users.Add(u);
            }
        }

        var truth = new double[users.Count];
        var fit = new double[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            truth[i] = TrueRate(curveP1[users[i]]);
            fit[i] = fitted[users[i]];
        }

        var points = new List<RecoveryPoint>();
        var kept = Math.Min(MaxPoints, users.Count);
        for (var i = 0; i < kept; i++)
        {
            var at = (int)((long)i * users.Count / kept);
            points.Add(new RecoveryPoint(seed, strategy, users[at], truth[at], fit[at]));
        }

        return (Spearman(truth, fit), points);
    }

    /// <summary>The true forgetting speed of a user: 1 / the curve's time scale (per tick).</summary>
    public static double TrueRate(float curveP1) => 1.0 / curveP1;

    /// <summary>Across-seed summaries, one per strategy in first-seen order.</summary>
    public static IReadOnlyList<ParameterRecoveryResult> Summarize(IReadOnlyList<(string Strategy, double Rho)> perSeed) =>
        perSeed.GroupBy(x => x.Strategy)
            .Select(g => new ParameterRecoveryResult(g.Key, g.Select(x => x.Rho).ToArray(), Summaries.MeanWithCi(g.Select(x => x.Rho).ToArray())))
            .ToArray();
}
