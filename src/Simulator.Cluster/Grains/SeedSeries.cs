using Simulator.Cluster.Codecs;
using Simulator.Core.Results;

namespace Simulator.Cluster.Grains;

/// <summary>
/// One seed's block of a <see cref="MetricSeries"/>, flattened [strategy][tick][metric] for
/// transport, and put back into its seed's place in the full series.
/// </summary>
public static class SeedSeries
{
    /// <summary>The values of a one-seed series in [strategy][tick][metric] order.</summary>
    public static double[] Flatten(MetricSeries series)
    {
        var values = new double[series.Strategies * series.Ticks * series.Metrics];
        var i = 0;
        for (var w = 0; w < series.Strategies; w++)
        {
            for (var t = 0; t < series.Ticks; t++)
            {
                for (var m = 0; m < series.Metrics; m++)
                {
                    values[i++] = series[w, 0, t, m];
                }
            }
        }

        return values;
    }

    /// <summary>Writes a flattened seed block into seed <paramref name="seed"/> of <paramref name="series"/>.</summary>
    public static void Place(MetricSeries series, int seed, double[] values)
    {
        if (values.Length != series.Strategies * series.Ticks * series.Metrics)
        {
            throw new InvalidOperationException($"seed {seed} returned {values.Length} values, expected {series.Strategies * series.Ticks * series.Metrics}");
        }

        var i = 0;
        for (var w = 0; w < series.Strategies; w++)
        {
            for (var t = 0; t < series.Ticks; t++)
            {
                for (var m = 0; m < series.Metrics; m++)
                {
                    series[w, seed, t, m] = values[i++];
                }
            }
        }
    }

    /// <summary>A bounds-checked chunk of a flattened block.</summary>
    public static DoubleBlock Slice(double[] values, int offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + count}) is outside the {values.Length} stored values");
        }

        return new DoubleBlock(values.AsSpan(offset, count).ToArray());
    }
}
