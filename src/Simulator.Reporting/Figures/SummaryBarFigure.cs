using ScottPlot;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Bar chart of one summary metric: one bar per strategy (the across-seed mean of each seed's
/// time-averaged value) with its 95% CI as an error bar.
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
            var xs = new List<double>(n);
            var ys = new List<double>(n);
            var up = new List<double>(n);
            var down = new List<double>(n);
            var bars = new List<Bar>(n);
            for (var s = 0; s < n; s++)
            {
                var summary = Lookup(run, run.Strategies[s], metric);
                var color = StrategyPalette.ColorOf(s);
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = run.Strategies[s], FillColor = color });
                if (summary is null || !double.IsFinite(summary.Mean))
                {
                    continue;
                }

                bars.Add(new Bar { Position = s, Value = summary.Mean, FillColor = color, LineWidth = 0 });
                xs.Add(s);
                ys.Add(summary.Mean);
                up.Add(Math.Max(0, summary.CiHigh - summary.Mean));
                down.Add(Math.Max(0, summary.Mean - summary.CiLow));
            }

            if (bars.Count > 0)
            {
                plot.Add.Bars(bars);

                // A separate ErrorBar because Bar.Error is symmetric and a CI need not be.
                var zeros = new double[xs.Count];
                var err = new ScottPlot.Plottables.ErrorBar(xs, ys, zeros, zeros, up, down)
                {
                    Color = Colors.Black,
                    LineWidth = 1.5f,
                    CapSize = 8,
                };
                plot.Add.Plottable(err);
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. Enumerable.Range(0, n).Select(i => (double)i)], [.. run.Strategies]);
            plot.Axes.Margins(bottom: 0);
            var better = MetricNames.IsLowerBetter(metric) ? "lower is better" : "higher is better";
            var title = $"{metric}: summary by strategy ({better})";
            plot.Title(title);
            plot.XLabel("strategy");
            plot.YLabel(MetricNames.AxisLabel(metric));
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
