namespace Simulator.Core.Statistics;

/// <summary>Order statistics shared by the run statistics, the fit summary and the benches.</summary>
public static class Quantiles
{
    /// <summary>
    /// Type-7 quantile of values sorted ascending: linear interpolation between the order statistics
    /// around (n - 1) q. NaN when there are none.
    /// </summary>
    public static double OfSorted(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>
    /// The median of values in any order: the middle value, or the mean of the two middle values
    /// ((a + b) / 2, not the type-7 form a + (b - a) / 2, whose last bit can differ). NaN when there are none.
    /// </summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
