using System.Globalization;
using ScottPlot;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Line chart of any per-tick quantity, one line per strategy (across-seed mean) with a shaded
/// 95% t band across seeds (no band with one seed) and dashed markers at drift events. Generic
/// over the metric name, so a new metric (tracking_error, gini, ...) needs no new code.
/// </summary>
public static class TimeSeriesFigure
{
    /// <summary>Per-tick metric over time; the figure is named by the metric's slug.</summary>
    public static RenderedFigure RenderMetric(RunResult run, string metric)
    {
        var m = RequireMetric(run, metric);
        var meaning = MetricNames.Meaning(metric);
        var title = meaning is null ? $"{metric} over time ({run.ScenarioName})" : $"{metric} over time: {meaning} ({run.ScenarioName})";
        var caption = $"{metric} per tick for each strategy"
            + (meaning is null ? string.Empty : $" ({meaning})")
            + $": mean across {run.Seeds.Count} seed(s)"
            + BandNote(run) + DriftNote(run) + Direction(metric);
        return Render(run, MetricNames.Slug(metric), title, MetricNames.AxisLabel(metric), caption,
            (strategy, seed) => run.Series.Series(strategy, seed, m));
    }

    /// <summary>
    /// Running sum of a metric per seed, then mean and band across seeds (summing first keeps the
    /// band a statement about whole runs). Used for cumulative regret.
    /// </summary>
    public static RenderedFigure RenderCumulative(RunResult run, string metric)
    {
        var m = RequireMetric(run, metric);
        var name = "cumulative_" + MetricNames.Slug(metric);
        var title = $"cumulative {metric} over time ({run.ScenarioName})";
        var caption = $"Running sum of {metric} over ticks, per seed, then mean across {run.Seeds.Count} seed(s)"
            + BandNote(run) + DriftNote(run) + Direction(metric);
        var yLabel = metric == "regret" ? MetricNames.AxisLabel("cumulative_regret") : $"cumulative {metric} (sum over ticks)";
        return Render(run, name, title, yLabel, caption,
            (strategy, seed) => SeedStatistics.CumulativeSum(run.Series.Series(strategy, seed, m)));
    }

    /// <summary>
    /// The generic builder: <paramref name="seriesOf"/>(strategy, seed) returns one value per tick.
    /// </summary>
    public static RenderedFigure Render(
        RunResult run, string name, string title, string yLabel, string caption, Func<int, int, double[]> seriesOf) =>
        Render(run, name, title, yLabel, caption, seriesOf, 0, run.Series.Ticks);

    /// <summary>
    /// Drift recovery: <paramref name="metric"/> zoomed to a window around the drift event at
    /// <paramref name="eventTick"/> (a few ticks before, more after, to show the dip and the
    /// recovery), all strategies with their bands. Named <c>drift_recovery_&lt;slug&gt;_t&lt;tick&gt;</c>.
    /// </summary>
    public static RenderedFigure RenderDriftRecovery(RunResult run, string metric, int eventTick)
    {
        var m = RequireMetric(run, metric);
        var ticks = run.Series.Ticks;
        var before = Math.Max(2, ticks / 10);
        var after = Math.Max(5, ticks / 4);
        var from = Math.Clamp(eventTick - before, 0, ticks);
        var to = Math.Clamp(eventTick + after + 1, from, ticks);
        var at = eventTick.ToString(CultureInfo.InvariantCulture);
        var title = $"drift recovery at tick {at}: {metric} ({run.ScenarioName})";
        var caption = $"{metric} per tick from tick {from.ToString(CultureInfo.InvariantCulture)} to {(to - 1).ToString(CultureInfo.InvariantCulture)}, "
            + $"around the drift event at tick {at} (dashed line): the dip after the event and how fast each strategy recovers; "
            + $"mean across {run.Seeds.Count} seed(s)" + BandNote(run) + "." + Direction(metric);
        return Render(run, $"drift_recovery_{MetricNames.Slug(metric)}_t{at}", title, MetricNames.AxisLabel(metric), caption,
            (strategy, seed) => run.Series.Series(strategy, seed, m), from, to);
    }

    // The builder behind both: only ticks in [from, to) are drawn, and only the drift markers among them.
    private static RenderedFigure Render(
        RunResult run, string name, string title, string yLabel, string caption, Func<int, int, double[]> seriesOf, int from, int to)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            var xs = Enumerable.Range(from, to - from).Select(t => (double)t).ToArray();
            var bands = run.Seeds.Count > 1;

            // Bands first so every line is drawn on top of every band.
            var estimates = new SeedEstimate[run.Strategies.Count][];
            for (var s = 0; s < run.Strategies.Count; s++)
            {
                var perSeed = new double[run.Series.Seeds][];
                for (var seed = 0; seed < run.Series.Seeds; seed++)
                {
                    perSeed[seed] = seriesOf(s, seed)[from..to];
                }

                estimates[s] = SeedStatistics.PerTick(perSeed);
                if (bands)
                {
                    AddBand(plot, xs, estimates[s], StrategyPalette.ColorOf(s));
                }
            }

            for (var s = 0; s < run.Strategies.Count; s++)
            {
                var (lx, ly) = Finite(xs, estimates[s], e => e.Mean);
                var line = plot.Add.ScatterLine(lx, ly, StrategyPalette.ColorOf(s));
                line.LineWidth = 2;
                line.LinePattern = StrategyPalette.PatternOf(s);
                line.MarkerSize = 0;
                line.LegendText = run.Strategies[s];
            }

            AddDriftMarkers(plot, [.. run.DriftEventTicks.Where(t => t >= from && t < to)]);
            plot.Title(title);
            plot.XLabel("tick");
            plot.YLabel(yLabel);
            plot.ShowLegend(Edge.Right);
            return FigureStyle.Render(plot, name, title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    internal static void AddDriftMarkers(Plot plot, IReadOnlyList<int> driftTicks)
    {
        for (var i = 0; i < driftTicks.Count; i++)
        {
            var line = plot.Add.VerticalLine(driftTicks[i], 1.5f, FigureStyle.DriftColor, LinePattern.Dashed);

            // One legend entry explains all markers.
            line.LegendText = i == 0 ? "drift event" : string.Empty;
        }
    }

    internal static void AddBand(Plot plot, double[] xs, SeedEstimate[] estimates, Color color)
    {
        var bx = new List<double>(xs.Length);
        var lo = new List<double>(xs.Length);
        var hi = new List<double>(xs.Length);
        for (var t = 0; t < xs.Length; t++)
        {
            if (double.IsFinite(estimates[t].Low) && double.IsFinite(estimates[t].High))
            {
                bx.Add(xs[t]);
                lo.Add(estimates[t].Low);
                hi.Add(estimates[t].High);
            }
        }

        if (bx.Count < 2)
        {
            return;
        }

        var fill = plot.Add.FillY([.. bx], [.. lo], [.. hi]);
        fill.FillColor = color.WithAlpha(FigureStyle.BandAlpha);
        fill.LineWidth = 0;
        fill.MarkerSize = 0;
    }

    // Undefined ticks (NaN) are dropped rather than drawn, so a gap never breaks the renderer.
    internal static (double[] Xs, double[] Ys) Finite(double[] xs, SeedEstimate[] estimates, Func<SeedEstimate, double> pick)
    {
        var rx = new List<double>(xs.Length);
        var ry = new List<double>(xs.Length);
        for (var t = 0; t < xs.Length; t++)
        {
            var y = pick(estimates[t]);
            if (double.IsFinite(y))
            {
                rx.Add(xs[t]);
                ry.Add(y);
            }
        }

        return ([.. rx], [.. ry]);
    }

    private static int RequireMetric(RunResult run, string metric)
    {
        var m = run.MetricIndex(metric);
        return m >= 0 ? m : throw new ArgumentException($"Metric '{metric}' is not in this run.", nameof(metric));
    }

    private static string BandNote(RunResult run) =>
        run.Seeds.Count > 1 ? "; shaded band: 95% t interval across seeds" : "; one seed, so no confidence band";

    private static string DriftNote(RunResult run) =>
        run.DriftEventTicks.Count == 0
            ? "."
            : "; dashed lines: drift events at tick(s) "
              + string.Join(", ", run.DriftEventTicks.Select(t => t.ToString(CultureInfo.InvariantCulture))) + ".";

    private static string Direction(string metric) =>
        MetricNames.IsLowerBetter(metric) ? " Lower is better." : " Higher is better.";
}
