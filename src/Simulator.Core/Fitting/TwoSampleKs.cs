namespace Simulator.Core.Fitting;

/// <summary>The two-sample Kolmogorov-Smirnov statistic: the largest gap between two empirical CDFs.</summary>
internal static class TwoSampleKs
{
    /// <summary>
    /// D = sup |F_a(x) - F_b(x)| over sorted samples; ties are stepped over together so that
    /// discrete data (whole ticks) are compared correctly.
    /// </summary>
    public static double Statistic(double[] sortedA, double[] sortedB)
    {
        if (sortedA.Length == 0 || sortedB.Length == 0)
        {
            return double.NaN;
        }

        int i = 0, j = 0;
        var d = 0.0;
        while (i < sortedA.Length && j < sortedB.Length)
        {
            var x = Math.Min(sortedA[i], sortedB[j]);
            while (i < sortedA.Length && sortedA[i] <= x)
            {
                i++;
            }

            while (j < sortedB.Length && sortedB[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / sortedA.Length) - ((double)j / sortedB.Length)));
        }

        return d;
    }

    /// <summary>Asymptotic critical value at level alpha for samples of sizes n and m: c(alpha) sqrt((n + m) / (n m)).</summary>
    public static double CriticalValue(int n, int m, double alpha = 0.05) =>
        Math.Sqrt(-Math.Log(alpha / 2) * 0.5) * Math.Sqrt((n + m) / ((double)n * m));
}
