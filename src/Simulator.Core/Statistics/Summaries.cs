using MathNet.Numerics.Distributions;
using Simulator.Core.Results;

namespace Simulator.Core.Statistics;

/// <summary>Across-seed statistics: the seed (replication) is the unit of analysis.</summary>
public static class Summaries
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
}
