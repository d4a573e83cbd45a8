using System.Globalization;
using ScottPlot;
using Simulator.Core.Results;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting.Sweeps;

/// <summary>
/// The crossover plot: a metric against one swept parameter, one line per strategy with its 95%
/// CI across seeds as error bars, the other axes held fixed (one figure per combination of their
/// values). Where the forgetting strategies' line crosses the non-forgetting ones is where
/// forgetting starts to pay off. Numeric values are placed on a numeric axis; others in list order.
/// </summary>
public static class CrossoverFigure
{
    /// <summary>Most figures drawn per axis; further combinations of the other axes are listed in sweep.json only.</summary>
    public const int MaxPanelsPerAxis = 6;

    /// <summary>
    /// The primary metric against each axis; and, when any cell's strategies fit per-user
    /// forgetting, the parameter recovery (Spearman) against each axis: the price of learning how
    /// users forget, read beside the metric it costs.
    /// </summary>
    public static IReadOnlyList<RenderedFigure> RenderAll(SweepResult sweep)
    {
        var metric = sweep.PrimaryMetric;
        var figures = new List<RenderedFigure>(Render(sweep, new Quantity(metric, MetricNames.Slug(metric), MetricNames.AxisLabel(metric), MetricNames.IsLowerBetter(metric), (run, strategy) => SummaryOf(run, strategy, metric))));
        if (sweep.Cells.Any(c => c.Run.ParameterRecovery.Count > 0))
        {
            figures.AddRange(Render(sweep, new Quantity(
                "parameter recovery", "recovery", "Spearman rho, fitted vs true forgetting speed", false,
                (run, strategy) => run.ParameterRecovery.FirstOrDefault(r => r.Strategy == strategy)?.Spearman)));
        }

        return figures;
    }

    /// <summary>What a figure plots per cell and strategy: a name, its file-name slug, the y label, its direction and the summary.</summary>
    private sealed record Quantity(string Name, string Slug, string AxisLabel, bool LowerIsBetter, Func<RunResult, string, MetricSummary?> Of);

    private static List<RenderedFigure> Render(SweepResult sweep, Quantity quantity)
    {
        var figures = new List<RenderedFigure>();
        for (var a = 0; a < sweep.Axes.Count; a++)
        {
            var axis = sweep.Axes[a];
            if (axis.Values.Count < 2)
            {
                continue;
            }

            var panels = sweep.Cells
                .GroupBy(c => string.Join(", ", c.Settings.Where(s => s.Path != axis.Path).Select(s => $"{s.Path}={s.Value}")))
                .Take(MaxPanelsPerAxis)
                .ToArray();
            for (var p = 0; p < panels.Length; p++)
            {
                var name = $"sweep_{quantity.Slug}_{Slug(axis.Path)}" + (panels.Length > 1 ? $"_{p + 1}" : string.Empty);
                figures.Add(Render(sweep, quantity, axis.Path, axis.Values, panels[p].Key, [.. panels[p]], name));
            }
        }

        return figures;
    }

    private static RenderedFigure Render(
        SweepResult sweep, Quantity quantity, string path, IReadOnlyList<string> values, string fixedSettings, SweepCellResult[] cells, string name)
    {
        var numeric = values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        double X(string value) => numeric
            ? double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)
            : values.ToList().IndexOf(value);

        var plot = FigureStyle.CreatePlot();
        try
        {
            var strategies = sweep.Strategies;
            for (var s = 0; s < strategies.Count; s++)
            {
                var points = cells
                    .Select(c => (X: X(c.Settings.First(x => x.Path == path).Value), Summary: quantity.Of(c.Run, strategies[s])))
                    .Where(p => p.Summary is not null && double.IsFinite(p.Summary.Mean))
                    .OrderBy(p => p.X)
                    .ToArray();
                if (points.Length == 0)
                {
                    continue;
                }

                var xs = points.Select(p => p.X).ToArray();
                var ys = points.Select(p => p.Summary!.Mean).ToArray();
                var line = plot.Add.Scatter(xs, ys, StrategyPalette.ColorOf(s));
                line.LinePattern = StrategyPalette.PatternOf(s);
                line.MarkerSize = 6;
                line.LegendText = strategies[s];
                var up = points.Select(p => double.IsFinite(p.Summary!.CiHigh) ? Math.Max(0, p.Summary.CiHigh - p.Summary.Mean) : 0).ToArray();
                var down = points.Select(p => double.IsFinite(p.Summary!.CiLow) ? Math.Max(0, p.Summary.Mean - p.Summary.CiLow) : 0).ToArray();
                var zeros = new double[xs.Length];
                plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, ys, zeros, zeros, up, down)
                {
                    Color = StrategyPalette.ColorOf(s),
                    LineWidth = 1.2f,
                    CapSize = 5,
                });
            }

            if (!numeric)
            {
                plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                    [.. Enumerable.Range(0, values.Count).Select(i => (double)i)], [.. values]);
            }

            var better = quantity.LowerIsBetter ? "lower is better" : "higher is better";
            var title = $"{quantity.Name} vs {path}" + (fixedSettings.Length > 0 ? $" ({fixedSettings})" : string.Empty);
            plot.Title(title);
            plot.XLabel(path);
            plot.YLabel(quantity.AxisLabel);
            plot.ShowLegend(Edge.Right);
            var seeds = cells[0].Run.Seeds.Count;
            var caption = $"Each point: one sweep cell, the mean across {seeds} seed(s) of each seed's {(quantity.Name == "parameter recovery" ? "Spearman rho at the seed's end" : $"time-averaged {quantity.Name}")}; "
                + (seeds > 1 ? "error bars: 95% t interval across seeds" : "one seed, so no interval")
                + (fixedSettings.Length > 0 ? $"; other swept parameters fixed at {fixedSettings}" : string.Empty)
                + $"; {better}. Where lines cross, the better strategy changes.";
            return FigureStyle.Render(plot, name, title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static MetricSummary? SummaryOf(RunResult run, string strategy, string metric) =>
        run.Summary.TryGetValue(strategy, out var byMetric) && byMetric.TryGetValue(metric, out var summary) ? summary : null;

    private static string Slug(string path) => new(path.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
