using MathNet.Numerics.Distributions;
using Simulator.Core.Results;

namespace Simulator.Core.Statistics;

/// <summary>Across-seed statistics: the seed (replication) is the unit of analysis.</summary>
internal static class Summaries
{
    /// <summary>
    /// Mean and 95% t-interval of per-seed values: mean +- t(0.975, n-1) s / sqrt(n).
    /// With one seed the interval collapses to the mean (no spread can be estimated). NaN values
    /// (a metric undefined for a seed, e.g. tracking error without an estimate) are left out;
    /// with none left every field is NaN and n is 0.
    /// </summary>
    public static MetricSummary MeanWithCi(IReadOnlyList<double> values)
    {
        var perSeed = values.Where(double.IsFinite).ToArray();
        var n = perSeed.Length;
        if (n == 0)
        {
            return new MetricSummary(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        var mean = perSeed.Average();
        if (n < 2)
        {
            return new MetricSummary(mean, mean, mean, 0.0, n);
        }

        var ss = 0.0;
        foreach (var x in perSeed)
        {
            ss += (x - mean) * (x - mean);
        }

        var sd = Math.Sqrt(ss / (n - 1));
        var half = StudentT.InvCDF(0, 1, n - 1, 0.975) * sd / Math.Sqrt(n);
        return new MetricSummary(mean, mean - half, mean + half, sd, n);
    }

    /// <summary>Per strategy and metric: each seed's time-averaged value, then mean and CI across seeds.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricSummary>> Summarize(
        MetricSeries series, IReadOnlyList<string> strategies, IReadOnlyList<string> metrics)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>();
        for (var w = 0; w < strategies.Count; w++)
        {
            var perMetric = new Dictionary<string, MetricSummary>();
            for (var m = 0; m < metrics.Count; m++)
            {
                var perSeed = new double[series.Seeds];
                for (var s = 0; s < series.Seeds; s++)
                {
                    perSeed[s] = TimeAverage(series, w, s, m);
                }

                perMetric[metrics[m]] = Summaries.MeanWithCi(perSeed);
            }

            result[strategies[w]] = perMetric;
        }

        return result;
    }

    /// <summary>Each seed's time-averaged value, indexed [strategy][metric][seed].</summary>
    public static double[][][] PerSeed(MetricSeries series) =>
        Enumerable.Range(0, series.Strategies).Select(w =>
            Enumerable.Range(0, series.Metrics).Select(m =>
                Enumerable.Range(0, series.Seeds).Select(s => TimeAverage(series, w, s, m)).ToArray()).ToArray()).ToArray();

    /// <summary>
    /// One seed's time-averaged metric: the mean over ticks where it is defined (NaN ticks, where
    /// no user had a value, are skipped); NaN when it is defined at no tick.
    /// </summary>
    public static double TimeAverage(MetricSeries series, int strategy, int seed, int metric)
    {
        var sum = 0.0;
        var n = 0;
        for (var t = 0; t < series.Ticks; t++)
        {
            var v = series[strategy, seed, t, metric];
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        return n > 0 ? sum / n : double.NaN;
    }
}
