using System.Globalization;
using System.Text;

namespace Simulator.Reporting;

/// <summary>
/// Naming rules shared by every report: file slugs, which direction is "better", and axis
/// labels with units. Kept in one place so figures, tables and file names never disagree.
/// </summary>
public static class MetricNames
{
    /// <summary>
    /// File-name slug: lowercase, <c>@</c> becomes <c>_at_</c>, any other non-alphanumeric
    /// becomes <c>_</c> (so <c>ndcg@10</c> -> <c>ndcg_at_10</c>).
    /// </summary>
    public static string Slug(string metric)
    {
        var sb = new StringBuilder(metric.Length + 4);
        foreach (var c in metric)
        {
            if (c == '@')
            {
                sb.Append("_at_");
            }
            else if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append('_');
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// True for metrics where a smaller value is better: the metric catalog's word for metrics it
    /// knows (calibration is a KL divergence, over_forgetting a share dropped); otherwise by naming
    /// convention, anything containing <c>regret</c>, <c>error</c> or <c>gini</c> (exposure inequality).
    /// </summary>
    public static bool IsLowerBetter(string metric) =>
        Simulator.Core.Metrics.MetricCatalog.IsLowerBetter(metric) ?? metric.Contains("regret", StringComparison.OrdinalIgnoreCase)
        || metric.Contains("error", StringComparison.OrdinalIgnoreCase)
        || metric.Contains("gini", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Y-axis label with the metric's unit or range. Unknown metrics fall back to their raw
    /// name, so a new metric can be plotted before anyone teaches this table about it.
    /// </summary>
    public static string AxisLabel(string metric)
    {
        var m = metric.ToLowerInvariant();
        if (m.StartsWith("cumulative_regret", StringComparison.Ordinal))
        {
            return "cumulative regret (reward lost vs oracle)";
        }

        if (m.Contains("regret", StringComparison.Ordinal))
        {
            return $"{metric} (reward lost vs oracle)";
        }

        if (m.StartsWith("ndcg", StringComparison.Ordinal) || m.StartsWith("recall", StringComparison.Ordinal)
            || m.StartsWith("hitrate", StringComparison.Ordinal) || m.StartsWith("mrr", StringComparison.Ordinal)
            || m.Contains("gini", StringComparison.Ordinal))
        {
            return $"{metric} (unitless, 0-1)";
        }

        if (m.Contains("ctr", StringComparison.Ordinal))
        {
            return $"{metric} (click probability, 0-1)";
        }

        if (m.Contains("coverage", StringComparison.Ordinal))
        {
            return $"{metric} (fraction of catalog, 0-1)";
        }

        if (m.Contains("tracking_error", StringComparison.Ordinal))
        {
            return $"{metric} (1 - cosine, 0-2)";
        }

        return $"{metric} (metric units)";
    }

    /// <summary>
    /// A short phrase saying what a less self-explanatory metric measures, for figure titles;
    /// null when the name says enough (ndcg@k, ctr, regret).
    /// </summary>
    public static string? Meaning(string metric)
    {
        var m = metric.ToLowerInvariant();
        if (m.Contains("gini", StringComparison.Ordinal))
        {
            return "exposure inequality across items";
        }

        if (m.Contains("coverage", StringComparison.Ordinal))
        {
            return "share of the catalog recommended";
        }

        if (m.Contains("tracking_error", StringComparison.Ordinal))
        {
            return "estimated vs true interest";
        }

        return null;
    }

    /// <summary>Compact invariant-culture number for tables: 4 significant digits, "n/a" for NaN.</summary>
    public static string Format(double value) => FormatLike(value, value);

    /// <summary>
    /// Formats <paramref name="value"/> with the decimals that <paramref name="reference"/> would
    /// get, so an interval or half-width lines up with its mean (0.1379 ± 0.0006, not 6.455e-4).
    /// </summary>
    public static string FormatLike(double value, double reference)
    {
        if (double.IsNaN(value))
        {
            return "n/a";
        }

        var decimals = FixedDecimals(reference) ?? FixedDecimals(value);
        return decimals is int d
            ? value.ToString("F" + d.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : value.ToString("0.###e+0", CultureInfo.InvariantCulture);
    }

    // Fixed notation for the usual magnitudes reads better in tables than exponents; null means
    // the magnitude is outside that range (or zero/NaN) and needs another rule.
    private static int? FixedDecimals(double value)
    {
        var abs = Math.Abs(value);
        if (!double.IsFinite(abs) || abs == 0)
        {
            return abs == 0 ? 4 : null;
        }

        return abs is >= 1e-3 and < 1e6 ? Math.Clamp(3 - (int)Math.Floor(Math.Log10(abs)), 0, 6) : null;
    }
}
