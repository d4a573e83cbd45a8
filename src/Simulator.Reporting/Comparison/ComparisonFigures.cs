using System.Globalization;
using ScottPlot;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting.Comparison;

/// <summary>
/// Figures overlaying several runs: per compared metric, one time-series figure (colour =
/// strategy, as in the run reports; line pattern = run) and one grouped bar chart of the summary
/// (groups = strategies, colour = run, error bars = 95% CI across seeds). Deterministic like the
/// run figures: the same run folders give the same bytes.
/// </summary>
public static class ComparisonFigures
{
    // Patterns distinguish runs on the time-series figure; more runs than this repeat patterns,
    // and the legend still names every line.
    private static readonly LinePattern[] RunPatterns =
        [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    /// <summary>Time series then summary bars, per metric, in the comparison's metric order.</summary>
    public static IReadOnlyList<RenderedFigure> RenderAll(RunComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var figures = new List<RenderedFigure>(2 * comparison.Metrics.Count);
        foreach (var metric in comparison.Metrics)
        {
            figures.Add(RenderTimeSeries(comparison, metric));
            figures.Add(RenderSummaryBars(comparison, metric));
        }

        return figures;
    }

    /// <summary>One line per run x strategy (across-seed mean) with its 95% band; <c>compare_&lt;slug&gt;</c>.</summary>
    public static RenderedFigure RenderTimeSeries(RunComparison comparison, string metric)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var plot = FigureStyle.CreatePlot();
        try
        {
            var lines = new List<(double[] Xs, double[] Ys, Color Color, LinePattern Pattern, string Legend)>();
            for (var r = 0; r < comparison.Runs.Count; r++)
            {
                var run = comparison.Runs[r].Run;
                var m = run.MetricIndex(metric);
                var xs = Enumerable.Range(0, run.Series.Ticks).Select(t => (double)t).ToArray();
                for (var s = 0; s < run.Strategies.Count; s++)
                {
                    var perSeed = new double[run.Series.Seeds][];
                    for (var seed = 0; seed < run.Series.Seeds; seed++)
                    {
                        perSeed[seed] = run.Series.Series(s, seed, m);
                    }

                    var estimates = SeedStatistics.PerTick(perSeed);
                    var color = StrategyPalette.ColorOf(comparison.StrategyColor(run.Strategies[s]));
                    if (run.Seeds.Count > 1)
                    {
                        // Bands before lines, so every line stays on top of every band.
                        TimeSeriesFigure.AddBand(plot, xs, estimates, color);
                    }

                    var (lx, ly) = TimeSeriesFigure.Finite(xs, estimates, e => e.Mean);
                    lines.Add((lx, ly, color, RunPatterns[r % RunPatterns.Length], $"{comparison.Runs[r].Label}: {run.Strategies[s]}"));
                }
            }

            foreach (var (xs, ys, color, pattern, legend) in lines)
            {
                var line = plot.Add.ScatterLine(xs, ys, color);
                line.LineWidth = 2;
                line.LinePattern = pattern;
                line.MarkerSize = 0;
                line.LegendText = legend;
            }

            var drift = comparison.Runs.SelectMany(r => r.Run.DriftEventTicks).Distinct().Order().ToArray();
            TimeSeriesFigure.AddDriftMarkers(plot, drift);
            var title = $"{metric} over time: {comparison.Runs.Count} runs compared";
            plot.Title(title);
            plot.XLabel("tick");
            plot.YLabel(MetricNames.AxisLabel(metric));
            plot.ShowLegend(Edge.Right);
            var caption = $"{metric} per tick, mean across each run's seeds; colour = strategy, line pattern = run ("
                + string.Join(", ", comparison.Runs.Select((r, i) => $"{r.Label}: {PatternName(i)}"))
                + "); shaded bands: 95% t interval across seeds where a run has more than one seed"
                + DriftNote(comparison)
                + (MetricNames.IsLowerBetter(metric) ? " Lower is better." : " Higher is better.");
            return FigureStyle.Render(plot, "compare_" + MetricNames.Slug(metric), title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    /// <summary>Grouped vertical bars: per strategy, one bar per run with its CI; <c>compare_summary_&lt;slug&gt;</c>.</summary>
    public static RenderedFigure RenderSummaryBars(RunComparison comparison, string metric)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var plot = FigureStyle.CreatePlot();
        try
        {
            var runs = comparison.Runs.Count;
            var strategies = comparison.Strategies;

            // Groups one unit apart; bars fill 80% of a group so neighbouring groups stay apart.
            var barWidth = 0.8 / runs;
            var bars = new List<Bar>();
            var xs = new List<double>();
            var means = new List<double>();
            var up = new List<double>();
            var down = new List<double>();
            for (var r = 0; r < runs; r++)
            {
                var run = comparison.Runs[r].Run;
                var color = StrategyPalette.ColorOf(r);
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = comparison.Runs[r].Label, FillColor = color });
                for (var g = 0; g < strategies.Count; g++)
                {
                    var summary = SummaryBarFigure.Lookup(run, strategies[g], metric);
                    if (summary is null || !double.IsFinite(summary.Mean))
                    {
                        continue;
                    }

                    var x = g - 0.4 + ((r + 0.5) * barWidth);
                    bars.Add(new Bar { Position = x, Value = summary.Mean, Size = barWidth * 0.9, FillColor = color, LineWidth = 0 });
                    xs.Add(x);
                    means.Add(summary.Mean);
                    up.Add(Math.Max(0, summary.CiHigh - summary.Mean));
                    down.Add(Math.Max(0, summary.Mean - summary.CiLow));
                }
            }

            if (bars.Count > 0)
            {
                plot.Add.Bars(bars);

                // A separate ErrorBar because Bar.Error is symmetric and a CI need not be.
                var zeros = new double[xs.Count];
                plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, means, zeros, zeros, up, down)
                {
                    Color = Colors.Black,
                    LineWidth = 1.5f,
                    CapSize = 6,
                });
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. Enumerable.Range(0, strategies.Count).Select(g => (double)g)], [.. strategies]);
            plot.Axes.Margins(bottom: 0);
            var better = MetricNames.IsLowerBetter(metric) ? "lower is better" : "higher is better";
            var title = $"{metric}: summary by strategy and run ({better})";
            plot.Title(title);
            plot.XLabel("strategy");
            plot.YLabel(MetricNames.AxisLabel(metric));
            plot.ShowLegend(Edge.Right);
            var caption = $"Per strategy, one bar per run: mean across the run's seeds of each seed's time-averaged {metric}; "
                + "error bars: 95% t interval across seeds (none for a one-seed run); a missing bar means the run lacks that strategy; "
                + better + ".";
            return FigureStyle.Render(plot, "compare_summary_" + MetricNames.Slug(metric), title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static string PatternName(int run) => (run % RunPatterns.Length) switch
    {
        0 => "solid",
        1 => "dashed",
        2 => "dotted",
        _ => "densely dashed",
    };

    private static string DriftNote(RunComparison comparison)
    {
        var withDrift = comparison.Runs.Where(r => r.Run.DriftEventTicks.Count > 0).ToArray();
        if (withDrift.Length == 0)
        {
            return ".";
        }

        return "; grey dashed lines: drift events ("
            + string.Join("; ", withDrift.Select(r => r.Label + " at tick(s) "
                + string.Join(", ", r.Run.DriftEventTicks.Select(t => t.ToString(CultureInfo.InvariantCulture)))))
            + ").";
    }
}
