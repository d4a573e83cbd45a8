namespace Simulator.Reporting;

/// <summary>Mean and 95% t interval of one quantity across seeds. With one seed the interval is [mean, mean].</summary>
public readonly record struct SeedEstimate(double Mean, double Low, double High, int Count)
{
    /// <summary>Half the interval width (the "±" value of a table cell).</summary>
    public double HalfWidth => (High - Low) / 2;
}

/// <summary>
/// Across-seed statistics for plots. The seed is the unit of analysis (docs/architecture.md, determinism), so
/// bands are t intervals over per-seed values, not over users.
/// </summary>
public static class SeedStatistics
{
    // Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30 (standard table values).
    private static readonly double[] TTable =
    [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];

    /// <summary>t(0.975, df): the multiplier of the standard error for a two-sided 95% interval.</summary>
    public static double TQuantile975(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (degreesOfFreedom <= TTable.Length)
        {
            return TTable[degreesOfFreedom - 1];
        }

        // Cornish-Fisher expansion around the normal quantile; error < 1e-5 beyond df = 30,
        // which keeps Reporting free of a statistics package for one number.
        const double z = 1.959963984540054;
        double n = degreesOfFreedom;
        var z3 = z * z * z;
        var z5 = z3 * z * z;
        var z7 = z5 * z * z;
        return z + ((z3 + z) / (4 * n)) + (((5 * z5) + (16 * z3) + (3 * z)) / (96 * n * n))
            + (((3 * z7) + (19 * z5) + (17 * z3) - (15 * z)) / (384 * n * n * n));
    }

    /// <summary>Mean and 95% t interval of the finite values; NaN values (a metric undefined at a tick) are skipped.</summary>
    public static SeedEstimate Estimate(ReadOnlySpan<double> values)
    {
        var n = 0;
        var sum = 0.0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                n++;
                sum += v;
            }
        }

        if (n == 0)
        {
            return new SeedEstimate(double.NaN, double.NaN, double.NaN, 0);
        }

        var mean = sum / n;
        if (n == 1)
        {
            return new SeedEstimate(mean, mean, mean, 1);
        }

        var ss = 0.0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                ss += (v - mean) * (v - mean);
            }
        }

        var half = TQuantile975(n - 1) * Math.Sqrt(ss / (n - 1) / n);
        return new SeedEstimate(mean, mean - half, mean + half, n);
    }

    /// <summary>Per-tick estimates of one metric for one strategy: values[seed][tick] -> estimate per tick.</summary>
    public static SeedEstimate[] PerTick(IReadOnlyList<double[]> perSeedSeries)
    {
        if (perSeedSeries.Count == 0)
        {
            return [];
        }

        var ticks = perSeedSeries[0].Length;
        var result = new SeedEstimate[ticks];
        var column = new double[perSeedSeries.Count];
        for (var t = 0; t < ticks; t++)
        {
            for (var s = 0; s < perSeedSeries.Count; s++)
            {
                column[s] = perSeedSeries[s][t];
            }

            result[t] = Estimate(column);
        }

        return result;
    }

    /// <summary>Running sum of a series (NaN ticks add nothing, so one undefined tick does not erase the rest).</summary>
    public static double[] CumulativeSum(double[] series)
    {
        var result = new double[series.Length];
        var acc = 0.0;
        for (var t = 0; t < series.Length; t++)
        {
            if (double.IsFinite(series[t]))
            {
                acc += series[t];
            }

            result[t] = acc;
        }

        return result;
    }
}
