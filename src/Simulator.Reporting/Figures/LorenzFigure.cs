using System.Globalization;
using ScottPlot;
using Simulator.Core.Metrics;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Lorenz curve of item exposure: items sorted from least to most shown, cumulative share of
/// items against cumulative share of exposures, one line per strategy, with the diagonal of
/// perfectly equal exposure. The further below the diagonal, the more a strategy concentrates
/// its slates on few items; the Gini coefficient in the legend is twice the area between.
/// </summary>
public static class LorenzFigure
{
    public const string Name = "exposure_lorenz";

    /// <summary>At most this many points per curve: enough for a smooth line, small SVGs for big catalogs.</summary>
    public const int MaxPoints = 256;

    /// <summary>Renders the figure, or null when the run kept no exposure counts.</summary>
    public static RenderedFigure? Render(RunResult run)
    {
        if (run.ItemExposure is not { } exposure)
        {
            return null;
        }

        var plot = FigureStyle.CreatePlot();
        try
        {
            var diagonal = plot.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 }, FigureStyle.DriftColor);
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.LineWidth = 1.5f;
            diagonal.MarkerSize = 0;
            diagonal.LegendText = "equal exposure";
            for (var s = 0; s < run.Strategies.Count; s++)
            {
                var (xs, ys) = Curve(exposure[s]);
                if (xs.Length == 0)
                {
                    continue;
                }

                var line = plot.Add.ScatterLine(xs, ys, StrategyPalette.ColorOf(s));
                line.LineWidth = 2;
                line.LinePattern = StrategyPalette.PatternOf(s);
                line.MarkerSize = 0;
                line.LegendText = $"{run.Strategies[s]} (Gini {RankingMetrics.Gini(exposure[s]).ToString("F2", CultureInfo.InvariantCulture)})";
            }

            plot.Axes.SetLimits(0, 1, 0, 1);
            var title = $"exposure concentration: Lorenz curve ({run.ScenarioName})";
            plot.Title(title);
            plot.XLabel("cumulative share of catalog items, least shown first");
            plot.YLabel("cumulative share of exposures");
            plot.ShowLegend(Edge.Right);
            var caption = $"Each strategy's exposures per item summed over {run.Ticks.ToString(CultureInfo.InvariantCulture)} ticks and "
                + $"{run.Seeds.Count.ToString(CultureInfo.InvariantCulture)} seed(s), items sorted from least to most shown. "
                + "The dashed diagonal is perfectly equal exposure; the further a curve sags below it, the more the strategy "
                + "concentrates on few items. Gini (legend) = twice the area between the diagonal and the curve; lower is more equal.";
            return FigureStyle.Render(plot, Name, title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    /// <summary>The Lorenz curve of <paramref name="counts"/>, from (0, 0) to (1, 1); empty when nothing was shown.</summary>
    internal static (double[] Xs, double[] Ys) Curve(long[] counts)
    {
        var sorted = counts.ToArray();
        Array.Sort(sorted);
        var total = 0.0;
        foreach (var c in sorted)
        {
            total += c;
        }

        if (sorted.Length == 0 || total <= 0)
        {
            return ([], []);
        }

        // Exact cumulative sums, sampled at evenly spaced item ranks (always including both ends).
        var points = Math.Min(MaxPoints, sorted.Length);
        var xs = new double[points + 1];
        var ys = new double[points + 1];
        var running = 0.0;
        var next = 0;
        for (var p = 1; p <= points; p++)
        {
            var upTo = (int)((long)p * sorted.Length / points);
            for (; next < upTo; next++)
            {
                running += sorted[next];
            }

            xs[p] = (double)upTo / sorted.Length;
            ys[p] = running / total;
        }

        return (xs, ys);
    }
}
