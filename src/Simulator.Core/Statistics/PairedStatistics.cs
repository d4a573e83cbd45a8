using MathNet.Numerics.Distributions;
using Simulator.Core.Randomness;

namespace Simulator.Core.Statistics;

/// <summary>
/// Paired comparison of one strategy with the reference on one metric: the per-seed differences
/// (strategy - reference, each seed's time average), their mean with a 95% t interval and a
/// percentile bootstrap interval, the two-sided paired t-test p-value and its Holm-adjusted value.
/// </summary>
public sealed record PairedComparison(
    string Strategy,
    string Metric,
    IReadOnlyList<double> Differences,
    double MeanDiff,
    double CiLow,
    double CiHigh,
    double BootstrapLow,
    double BootstrapHigh,
    double P,
    double PHolm);

/// <summary>Every paired comparison of a run against its reference strategy, in strategy then metric order.</summary>
public sealed record RunComparisons(string Reference, IReadOnlyList<PairedComparison> Items)
{
    /// <summary>The comparison of a strategy on a metric, or null (the reference itself, or no paired seeds).</summary>
    public PairedComparison? Find(string strategy, string metric) =>
        Items.FirstOrDefault(c => c.Strategy == strategy && c.Metric == metric);
}

/// <summary>
/// Each time-aware strategy against its time-blind twin (the same model without time), on every
/// metric: <see cref="PairedComparison.Strategy"/> is the time-aware one, <see cref="Twin"/> the
/// other, and the differences are time-aware minus twin. Holm runs over every (pair, metric) cell.
/// </summary>
public sealed record TwinComparison(string Twin, PairedComparison Comparison);

/// <summary>Statistics over seeds, the unit of analysis: paired t, bootstrap and Holm's step-down correction.</summary>
internal static class PairedStatistics
{
    /// <summary>Bootstrap resamples per interval: enough that the 2.5% and 97.5% quantiles are stable to about 0.1 se.</summary>
    public const int BootstrapResamples = 2000;

    /// <summary>
    /// Two-sided paired t-test on differences d: t = mean / (sd / sqrt(n)), p = 2 (1 - F_t(|t|; n - 1)).
    /// Zero spread gives p = 1 for a zero mean and p = 0 otherwise (t is infinite); NaN below two seeds.
    /// </summary>
    public static double PairedTTestP(IReadOnlyList<double> d)
    {
        var n = d.Count;
        if (n < 2)
        {
            return double.NaN;
        }

        var mean = d.Average();
        var ss = d.Sum(x => (x - mean) * (x - mean));
        var se = Math.Sqrt(ss / (n - 1) / n);
        if (se == 0)
        {
            return mean == 0 ? 1.0 : 0.0;
        }

        var t = Math.Abs(mean / se);
        return Math.Clamp(2 * (1 - StudentT.CDF(0, 1, n - 1, t)), 0.0, 1.0);
    }

    /// <summary>
    /// Percentile bootstrap 95% interval of the mean: B resamples of n values with replacement,
    /// indices drawn from the keyed generator at (seed, Bootstrap, key, resample, position), so
    /// the interval is a pure function of its inputs. Quantiles by linear interpolation (type 7).
    /// One value gives [value, value]; none gives NaN.
    /// </summary>
    public static (double Low, double High) BootstrapCi(IReadOnlyList<double> values, ulong seed, uint key, int resamples = BootstrapResamples)
    {
        var n = values.Count;
        if (n == 0)
        {
            return (double.NaN, double.NaN);
        }

        var means = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                var index = (int)(KeyedRandom.Bits(seed, RandomStreams.Bootstrap, key, (uint)b, (uint)i) % (ulong)n);
                sum += values[index];
            }

            means[b] = sum / n;
        }

        Array.Sort(means);
        return (Quantiles.OfSorted(means, 0.025), Quantiles.OfSorted(means, 0.975));
    }

    /// <summary>
    /// Holm's step-down adjustment over a family of p-values: sort ascending, p_(i) becomes
    /// max_{j &lt;= i} min(1, (m - j + 1) p_(j)) (1-based), which controls the family-wise error rate.
    /// NaN p-values are not part of the family and stay NaN. Output is in input order.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        var result = Enumerable.Repeat(double.NaN, p.Count).ToArray();
        var order = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ThenBy(i => i).ToArray();
        var m = order.Length;
        var running = 0.0;
        for (var j = 0; j < m; j++)
        {
            running = Math.Max(running, Math.Min(1.0, (m - j) * p[order[j]]));
            result[order[j]] = running;
        }

        return result;
    }

    /// <summary>
    /// Compares every strategy but the reference with it, on every metric, from per-seed values
    /// perSeed[strategy][metric][seed]. Seeds where either value is NaN are left out of that pair;
    /// a pair with no seeds left is omitted. Holm runs over all (strategy, metric) p-values together.
    /// </summary>
    public static RunComparisons Compare(
        IReadOnlyList<string> strategies, IReadOnlyList<string> metrics, double[][][] perSeed, string reference, ulong seed)
    {
        var r = IndexOf(strategies, reference);
        var raw = new List<(int W, int M, double[] D)>();
        for (var w = 0; w < strategies.Count; w++)
        {
            if (w == r)
            {
                continue;
            }

            for (var m = 0; m < metrics.Count; m++)
            {
                var d = new List<double>();
                for (var s = 0; s < perSeed[w][m].Length; s++)
                {
                    var diff = perSeed[w][m][s] - perSeed[r][m][s];
                    if (!double.IsNaN(diff))
                    {
                        d.Add(diff);
                    }
                }

                if (d.Count > 0)
                {
                    raw.Add((w, m, d.ToArray()));
                }
            }
        }

        var p = raw.Select(x => PairedTTestP(x.D)).ToArray();
        var holm = Holm(p);
        var items = new List<PairedComparison>();
        for (var i = 0; i < raw.Count; i++)
        {
            var (w, m, d) = raw[i];
            var t = Summaries.MeanWithCi(d);
            var (bl, bh) = BootstrapCi(d, seed, (uint)((w * 4096) + m));
            items.Add(new PairedComparison(strategies[w], metrics[m], d, t.Mean, t.CiLow, t.CiHigh, bl, bh, p[i], holm[i]));
        }

        return new RunComparisons(reference, items);
    }

    /// <summary>Bootstrap keys of twin comparisons start here, apart from those of <see cref="Compare"/>.</summary>
    private const uint TwinBootstrapKeys = 1u << 24;

    /// <summary>
    /// Every (time-aware, time-blind) pair of <paramref name="twins"/> whose two strategies both ran,
    /// compared on every metric as <see cref="Compare"/> compares a strategy with the reference;
    /// Holm runs over all of these cells together. Pairs in the order of <paramref name="strategies"/>.
    /// </summary>
    public static IReadOnlyList<TwinComparison> CompareTwins(
        IReadOnlyList<string> strategies, IReadOnlyList<string> metrics, double[][][] perSeed, IReadOnlyDictionary<string, string> twins, ulong seed)
    {
        var raw = new List<(int W, int T, int M, double[] D)>();
        for (var w = 0; w < strategies.Count; w++)
        {
            if (!twins.TryGetValue(strategies[w], out var twin) || !strategies.Contains(twin))
            {
                continue;
            }

            var t = IndexOf(strategies, twin);
            for (var m = 0; m < metrics.Count; m++)
            {
                var d = perSeed[w][m].Zip(perSeed[t][m], (a, b) => a - b).Where(x => !double.IsNaN(x)).ToArray();
                if (d.Length > 0)
                {
                    raw.Add((w, t, m, d));
                }
            }
        }

        var p = raw.Select(x => PairedTTestP(x.D)).ToArray();
        var holm = Holm(p);
        var items = new List<TwinComparison>();
        for (var i = 0; i < raw.Count; i++)
        {
            var (w, t, m, d) = raw[i];
            var ci = Summaries.MeanWithCi(d);
            var (bl, bh) = BootstrapCi(d, seed, TwinBootstrapKeys + (uint)((w * 4096) + m));
            items.Add(new TwinComparison(strategies[t], new PairedComparison(strategies[w], metrics[m], d, ci.Mean, ci.CiLow, ci.CiHigh, bl, bh, p[i], holm[i])));
        }

        return items;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"reference strategy {name} is not in the run", nameof(name));
    }
}
