using ScottPlot;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Bar chart of one summary metric: one horizontal bar per strategy (the across-seed mean of
/// each seed's time-averaged value) with its 95% CI as an error bar. Horizontal so that long
/// strategy names stay readable however many strategies a run has.
/// </summary>
public static class SummaryBarFigure
{
    /// <summary>Renders <c>summary_&lt;metric-slug&gt;</c>.</summary>
    public static RenderedFigure Render(RunResult run, string metric)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            var n = run.Strategies.Count;
            var positions = new List<double>(n);
            var means = new List<double>(n);
            var up = new List<double>(n);
            var down = new List<double>(n);
            var bars = new List<Bar>(n);
            for (var s = 0; s < n; s++)
            {
                var summary = Lookup(run, run.Strategies[s], metric);
                var color = StrategyPalette.ColorOf(s);
                var hatch = StrategyPalette.HatchOf(s);
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = run.Strategies[s],
                    FillColor = color,
                    FillHatch = hatch,
                    FillHatchColor = Colors.White.WithAlpha(0.6),
                });
                if (summary is null || !double.IsFinite(summary.Mean))
                {
                    continue;
                }

                // First strategy at the top, matching table and legend order.
                var position = n - 1 - s;
                bars.Add(new Bar
                {
                    Position = position,
                    Value = summary.Mean,
                    FillColor = color,
                    FillHatch = hatch,
                    FillHatchColor = Colors.White.WithAlpha(0.6),
                    LineWidth = 0,
                    Orientation = Orientation.Horizontal,
                });
                positions.Add(position);
                means.Add(summary.Mean);
                up.Add(Math.Max(0, summary.CiHigh - summary.Mean));
                down.Add(Math.Max(0, summary.Mean - summary.CiLow));
            }

            if (bars.Count > 0)
            {
                var barPlot = plot.Add.Bars(bars);
                barPlot.Horizontal = true;

                // A separate ErrorBar because Bar.Error is symmetric and a CI need not be.
                var zeros = new double[positions.Count];
                var err = new ScottPlot.Plottables.ErrorBar(means, positions, up, down, zeros, zeros)
                {
                    Color = Colors.Black,
                    LineWidth = 1.5f,
                    CapSize = 8,
                };
                plot.Add.Plottable(err);
            }

            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. Enumerable.Range(0, n).Select(s => (double)(n - 1 - s))], [.. run.Strategies]);
            plot.Axes.Margins(left: 0);
            var better = MetricNames.IsLowerBetter(metric) ? "lower is better" : "higher is better";
            var title = $"{metric}: summary by strategy ({better})";
            plot.Title(title);
            plot.XLabel(MetricNames.AxisLabel(metric));
            plot.YLabel("strategy");
            plot.ShowLegend(Edge.Right);
            var caption = $"Mean across {run.Seeds.Count} seed(s) of each seed's time-averaged {metric}; "
                + (run.Seeds.Count > 1 ? "error bars: 95% t interval across seeds" : "one seed, so no interval")
                + $"; {better}.";
            return FigureStyle.Render(plot, "summary_" + MetricNames.Slug(metric), title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    internal static MetricSummary? Lookup(RunResult run, string strategy, string metric) =>
        run.Summary.TryGetValue(strategy, out var byMetric) && byMetric.TryGetValue(metric, out var summary)
            ? summary
            : null;
}
