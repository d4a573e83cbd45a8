using System.Globalization;
using ScottPlot;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting.Sweeps;

/// <summary>
/// The regime map: for each time-aware strategy present with its time-blind twin, the paired edge
/// (time-aware minus twin, on the sweep's primary metric, mean over seeds) over the first two
/// swept axes as a heat map: one square per cell, blue where time pays, red where the twin is
/// better, the mean and its 95% paired t interval written in the square, and the squares whose
/// interval covers 0 greyed out and marked "n.s.". Further axes give one panel per combination.
/// </summary>
public static class TwinHeatmapFigure
{
    /// <summary>Most panels drawn per pair; further combinations of the other axes are in sweep.json only.</summary>
    public const int MaxPanels = 6;

    private static readonly Color Better = Color.FromHex("#2166AC");
    private static readonly Color Worse = Color.FromHex("#B2182B");
    private static readonly Color Covered = Color.FromHex("#DDDDDD");

    public static IReadOnlyList<RenderedFigure> RenderAll(SweepResult sweep)
    {
        var axes = sweep.Axes.Where(a => a.Values.Count >= 2).Take(2).ToArray();
        if (axes.Length < 2 || sweep.Cells.Count == 0)
        {
            return [];
        }

        var metric = sweep.PrimaryMetric;
        var pairs = sweep.Cells
            .SelectMany(c => c.Run.Twins)
            .Select(t => (Aware: t.Comparison.Strategy, t.Twin))
            .Distinct()
            .ToArray();
        var figures = new List<RenderedFigure>();
        foreach (var (aware, twin) in pairs)
        {
            var panels = sweep.Cells
                .GroupBy(c => string.Join(", ", c.Settings.Where(s => s.Path != axes[0].Path && s.Path != axes[1].Path).Select(s => $"{s.Path}={s.Value}")))
                .Take(MaxPanels)
                .ToArray();
            for (var p = 0; p < panels.Length; p++)
            {
                var name = $"regime_{Slug(aware)}_vs_{Slug(twin)}" + (panels.Length > 1 ? $"_{p + 1}" : string.Empty);
                figures.Add(Render(metric, aware, twin, axes[0], axes[1], panels[p].Key, [.. panels[p]], name));
            }
        }

        return figures;
    }

    /// <summary>The pair's comparison on the metric in a cell, or null when the cell did not run both.</summary>
    public static PairedComparison? EdgeIn(SweepCellResult cell, string aware, string twin, string metric) =>
        cell.Run.Twins.FirstOrDefault(t => t.Twin == twin && t.Comparison.Strategy == aware && t.Comparison.Metric == metric)?.Comparison;

    /// <summary>True when the 95% interval excludes 0 (an interval that is not finite, with one seed, never does).</summary>
    public static bool Excludes0(PairedComparison edge) =>
        double.IsFinite(edge.CiLow) && double.IsFinite(edge.CiHigh) && (edge.CiLow > 0 || edge.CiHigh < 0);

    private static RenderedFigure Render(
        string metric, string aware, string twin, SweepAxis x, SweepAxis y, string fixedSettings, SweepCellResult[] cells, string name)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            var edges = cells
                .Select(c => (Column: x.Values.ToList().IndexOf(Value(c, x.Path)), Row: y.Values.ToList().IndexOf(Value(c, y.Path)), Edge: EdgeIn(c, aware, twin, metric)))
                .Where(e => e.Column >= 0 && e.Row >= 0)
                .ToArray();
            var largest = edges.Where(e => e.Edge is not null && double.IsFinite(e.Edge.MeanDiff)).Select(e => Math.Abs(e.Edge!.MeanDiff)).DefaultIfEmpty(0).Max();
            var lowerBetter = MetricNames.IsLowerBetter(metric);
            foreach (var (column, row, edge) in edges)
            {
                var square = plot.Add.Rectangle(column - 0.5, column + 0.5, row - 0.5, row + 0.5);
                square.LineColor = Colors.White;
                square.LineWidth = 2;
                string label;
                if (edge is null || !double.IsFinite(edge.MeanDiff))
                {
                    square.FillColor = Colors.White;
                    label = "not run";
                }
                else
                {
                    var excludes = Excludes0(edge);
                    var helps = lowerBetter ? edge.MeanDiff < 0 : edge.MeanDiff > 0;
                    var strength = largest > 0 ? Math.Abs(edge.MeanDiff) / largest : 0;
                    square.FillColor = excludes ? Blend(helps ? Better : Worse, 0.25 + (0.75 * strength)) : Covered;
                    label = $"{Signed(edge.MeanDiff)}\n[{Signed(edge.CiLow)}, {Signed(edge.CiHigh)}]" + (excludes ? string.Empty : "\nn.s.");
                }

                var text = plot.Add.Text(label, column, row);
                text.LabelFontSize = 12;
                text.LabelFontName = FigureStyle.FontName;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = Colors.Black;
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. Enumerable.Range(0, x.Values.Count).Select(i => (double)i)], [.. x.Values]);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. Enumerable.Range(0, y.Values.Count).Select(i => (double)i)], [.. y.Values]);
            plot.Axes.SetLimits(-0.5, x.Values.Count - 0.5, -0.5, y.Values.Count - 0.5);
            var title = $"{aware} - {twin}: {metric}" + (fixedSettings.Length > 0 ? $" ({fixedSettings})" : string.Empty);
            plot.Title(title);
            plot.XLabel(x.Path);
            plot.YLabel(y.Path);
            var seeds = cells[0].Run.Seeds.Count;
            var better = lowerBetter ? "lower is better, so a negative edge favours" : "higher is better, so a positive edge favours";
            var caption = $"Each square: one sweep cell, the mean over {seeds} seed(s) of {aware} minus its time-blind twin {twin} "
                + $"(each seed's time-averaged {metric}, the same seed's users in both worlds), with its 95% paired t interval; {better} {aware}. "
                + "Blue: the time-aware strategy is better, red: its twin is, deeper for larger edges; grey and n.s.: the interval covers 0"
                + (fixedSettings.Length > 0 ? $"; other swept parameters fixed at {fixedSettings}." : ".");
            return FigureStyle.Render(plot, name, title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static string Value(SweepCellResult cell, string path) => cell.Settings.First(s => s.Path == path).Value;

    private static Color Blend(Color color, double weight) => new(
        (byte)Math.Round(255 - ((255 - color.R) * weight)),
        (byte)Math.Round(255 - ((255 - color.G) * weight)),
        (byte)Math.Round(255 - ((255 - color.B) * weight)));

    private static string Signed(double value) => double.IsFinite(value)
        ? value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture)
        : "n/a";

    private static string Slug(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
