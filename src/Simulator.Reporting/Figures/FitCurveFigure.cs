using System.Globalization;
using ScottPlot;
using Simulator.Core.Fitting;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Fitted vs observed forgetting on a log-scaled axis of time since the last engagement, spanning
/// the gaps the log shows: the observed rate per bin (click rate of impressions, or re-engagement
/// hazard of gaps) as points with 95% intervals, each fitted family's predicted rate in the same
/// bins as a line, and the session gap and one tick marked, so a curve of minutes and one of weeks
/// are both visible and a reader sees which family follows the data.
/// </summary>
public static class FitCurveFigure
{
    /// <summary>
    /// Draws the figure. <paramref name="families"/> share their bins (log-spaced edges);
    /// <paramref name="sessionGap"/> and <paramref name="tick"/> (in the fit's unit) are marked when
    /// positive and inside the axis.
    /// </summary>
    public static RenderedFigure Render(string logName, string unitName, string rateName, IReadOnlyList<(string Label, RateBins Bins)> families, double sessionGap = 0, double tick = 0)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            var first = families[0].Bins;
            var bins = first.Observed.Length;

            // Geometric centre of each bin, drawn at log10.
            var centres = Enumerable.Range(0, bins).Select(b => 0.5 * (Math.Log10(first.Edges[b]) + Math.Log10(first.Edges[b + 1]))).ToArray();
            var keep = Enumerable.Range(0, bins).Where(b => double.IsFinite(first.Observed[b])).ToArray();
            var xs = keep.Select(b => centres[b]).ToArray();
            var ys = keep.Select(b => first.Observed[b]).ToArray();
            if (first.Lower.Length == bins && keep.Length > 0)
            {
                var zeros = new double[keep.Length];
                var up = keep.Select(b => Math.Max(0, first.Upper[b] - first.Observed[b])).ToArray();
                var down = keep.Select(b => Math.Max(0, first.Observed[b] - first.Lower[b])).ToArray();
                plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, ys, zeros, zeros, up, down)
                {
                    Color = Colors.Black.WithAlpha(0.6),
                    LineWidth = 1f,
                    CapSize = 4,
                });
            }

            var observed = plot.Add.ScatterPoints(xs, ys, Color.FromHex("#000000"));
            observed.MarkerSize = 7;
            observed.LegendText = "observed (95% interval)";
            for (var f = 0; f < families.Count; f++)
            {
                var fitted = families[f].Bins.Fitted;
                var fk = Enumerable.Range(0, bins).Where(b => double.IsFinite(fitted[b])).ToArray();
                var line = plot.Add.ScatterLine(fk.Select(b => centres[b]).ToArray(), fk.Select(b => fitted[b]).ToArray(), StrategyPalette.ColorOf(f));
                line.LineWidth = 2;
                line.MarkerSize = 0;
                line.LegendText = families[f].Label;
            }

            var lo = Math.Log10(first.Edges[0]);
            var hi = Math.Log10(first.Edges[^1]);
            void Mark(double at, string label, LinePattern pattern)
            {
                if (at <= 0 || Math.Log10(at) < lo || Math.Log10(at) > hi)
                {
                    return;
                }

                var marker = plot.Add.VerticalLine(Math.Log10(at), 1.5f, FigureStyle.DriftColor, pattern);
                marker.LegendText = label;
            }

            Mark(sessionGap, $"session gap ({Amount(sessionGap, unitName)})", LinePattern.Dashed);
            Mark(tick, $"one tick ({Amount(tick, unitName)})", LinePattern.Dotted);

            // Labels at whole decades (log10 values drawn, times shown), minor ticks at 2..9 of
            // each decade; the axis spans at least one decade, so two labels at least show.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = v => Number(Math.Pow(10, v)),
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            };
            plot.Axes.SetLimitsX(lo, hi);

            // The vertical range follows the points and the fitted lines, not the intervals: a bin
            // with little time at risk (just after the session gap) has an interval reaching far
            // above the data, which would flatten everything else; such whiskers are cut.
            var shown = ys.Concat(families.SelectMany(f => f.Bins.Fitted)).Where(double.IsFinite).ToArray();
            if (shown.Length > 0)
            {
                var (bottom, top) = (shown.Min(), shown.Max());
                var margin = Math.Max(top - bottom, Math.Abs(top) * 0.05) * 0.1;
                plot.Axes.SetLimitsY(Math.Max(0, bottom - margin), top + margin);
            }
            var title = $"forgetting fit: {rateName} vs time since last engagement ({logName})";
            plot.Title(title);
            plot.XLabel($"time since last engagement with the topic ({unitName}, log scale)");
            plot.YLabel(rateName);
            plot.ShowLegend(Edge.Right);
            var caption = $"Observed {rateName} per log-spaced bin of time since the history last engaged the topic (points, with exact "
                + "95% intervals: Poisson for a hazard, Wilson for a click rate) and the rate each maximum-likelihood fit predicts for "
                + "the same rows (lines); the chosen family is marked (best); intervals reaching beyond the plotted range are cut. The axis spans the gaps the log shows; the dashed line is "
                + "the session gap (engagements closer than it were merged, so the hazard starts there), the dotted line one tick of "
                + "a calibrated scenario: a curve that falls within a tick forgets everything between two ticks.";
            return FigureStyle.Render(plot, "fit_curves", title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static string Number(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>"1 day", "0.0417 days": the unit singular for exactly one.</summary>
    private static string Amount(double value, string unitName) =>
        $"{Number(value)} {(value == 1 && unitName.EndsWith('s') ? unitName[..^1] : unitName)}";
}
