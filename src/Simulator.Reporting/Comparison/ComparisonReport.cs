using System.Globalization;
using System.Text;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting.Comparison;

/// <summary>
/// The comparison report in two forms: one self-contained HTML file (inline CSS, figures as
/// base64 data URIs, no script, no external URL) and Markdown linking the plots folder.
/// </summary>
public static class ComparisonReport
{
    /// <summary>Renders the HTML report. Every run-supplied string is HTML-escaped.</summary>
    public static string RenderHtml(RunComparison comparison, IReadOnlyList<RenderedFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var title = $"Comparison of {comparison.Runs.Count} runs";
        var sb = new StringBuilder(1 << 16);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(title)).Append("</title>\n")
            .Append("<style>\n").Append(HtmlReport.Css).Append("\ntable.runs td{text-align:left}\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(E(title)).Append("</h1>\n");

        sb.Append("<h2>Runs</h2>\n<table class=\"runs\">\n<thead><tr><th>run</th><th>scenario</th><th>users</th><th>items</th><th>dim</th>")
            .Append("<th>slate</th><th>ticks</th><th>seeds</th><th>strategies</th><th>drift events</th><th>engine</th><th>wall time</th></tr></thead>\n<tbody>\n");
        for (var r = 0; r < comparison.Runs.Count; r++)
        {
            var (label, run) = (comparison.Runs[r].Label, comparison.Runs[r].Run);
            sb.Append("<tr><td>").Append(StrategyPalette.SwatchHtml(r))
                .Append(E(label)).Append("</td><td>").Append(E(run.ScenarioName)).Append("</td>");
            foreach (var n in new[] { run.Users, run.Items, run.Dim, run.SlateSize, run.Ticks, run.Seeds.Count })
            {
                sb.Append("<td>").Append(n.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            }

            sb.Append("<td>").Append(E(string.Join(", ", run.Strategies))).Append("</td><td>")
                .Append(E(DriftText(run.DriftEventTicks))).Append("</td><td>")
                .Append(E($"{run.Environment.Engine} ({run.Environment.DeviceName})")).Append("</td><td>")
                .Append(E(run.Environment.WallSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s")).Append("</td></tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
        if (comparison.SkippedMetrics.Count > 0)
        {
            sb.Append("<p class=\"note\">").Append(E(SkippedNote(comparison))).Append("</p>\n");
        }

        sb.Append("<h2>Summary</h2>\n<table>\n<thead><tr><th>run</th><th>strategy</th>");
        foreach (var m in comparison.Metrics)
        {
            sb.Append("<th>").Append(E(m)).Append(MetricNames.IsLowerBetter(m) ? " <small>(lower is better)</small>" : string.Empty).Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var (label, run, strategy) in Rows(comparison))
        {
            sb.Append("<tr><td>").Append(E(label)).Append("</td><td>").Append(E(strategy)).Append("</td>");
            foreach (var m in comparison.Metrics)
            {
                sb.Append("<td>").Append(E(SummaryCells.MeanWithInterval(SummaryCells.Get(run, strategy, m)))).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n<p class=\"note\">")
            .Append(E("Cells: mean [95% CI] across each run's seeds of each seed's time-averaged metric. "
                + "Runs differ in their settings, so intervals are not paired across runs."))
            .Append("</p>\n");
        HtmlReport.AppendFigures(sb, figures);
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Renders the Markdown report; images are linked as <c>&lt;plotsRelativePath&gt;/&lt;name&gt;.png</c>.</summary>
    public static string RenderMarkdown(RunComparison comparison, IReadOnlyList<RenderedFigure> figures, string plotsRelativePath = "plots")
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var sb = new StringBuilder();
        sb.Append("# Comparison of ").Append(comparison.Runs.Count.ToString(CultureInfo.InvariantCulture)).Append(" runs\n\n");
        foreach (var (label, run) in comparison.Runs)
        {
            sb.Append("- **").Append(Md(label)).Append("**: ").Append(FormattableString.Invariant(
                $"{run.Users} users, {run.Items} items, dim {run.Dim}, slate {run.SlateSize}, {run.Ticks} ticks, {run.Seeds.Count} seed(s), drift events: "))
                .Append(DriftText(run.DriftEventTicks)).Append("; strategies: ").Append(Md(string.Join(", ", run.Strategies))).Append('\n');
        }

        if (comparison.SkippedMetrics.Count > 0)
        {
            sb.Append('\n').Append(Md(SkippedNote(comparison))).Append('\n');
        }

        sb.Append("\n| run | strategy |");
        foreach (var m in comparison.Metrics)
        {
            sb.Append(' ').Append(Md(m)).Append(MetricNames.IsLowerBetter(m) ? " (lower is better)" : string.Empty).Append(" |");
        }

        sb.Append("\n|---|---|").Append(string.Concat(Enumerable.Repeat("---:|", comparison.Metrics.Count))).Append('\n');
        foreach (var (label, run, strategy) in Rows(comparison))
        {
            sb.Append("| ").Append(Md(label)).Append(" | ").Append(Md(strategy)).Append(" |");
            foreach (var m in comparison.Metrics)
            {
                sb.Append(' ').Append(SummaryCells.MeanWithInterval(SummaryCells.Get(run, strategy, m))).Append(" |");
            }

            sb.Append('\n');
        }

        sb.Append("\nCells: mean [95% CI] across each run's seeds of each seed's time-averaged metric.\n");
        var prefix = string.IsNullOrEmpty(plotsRelativePath) ? string.Empty : plotsRelativePath.TrimEnd('/') + "/";
        foreach (var figure in figures)
        {
            sb.Append("\n![").Append(Md(figure.Title)).Append("](").Append(prefix).Append(figure.PngFileName).Append(")\n\n")
                .Append('*').Append(Md(figure.Caption)).Append("*\n");
        }

        return sb.ToString();
    }

    /// <summary>The note listing metrics left out because not every run has them.</summary>
    public static string SkippedNote(RunComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var parts = comparison.SkippedMetrics.Select(m =>
            $"{m} (missing in {string.Join(", ", comparison.Runs.Where(r => r.Run.MetricIndex(m) < 0).Select(r => r.Label))})");
        return "Skipped metrics, not present in every run: " + string.Join("; ", parts) + ".";
    }

    private static IEnumerable<(string Label, Core.Results.RunResult Run, string Strategy)> Rows(RunComparison comparison) =>
        comparison.Runs.SelectMany(r => r.Run.Strategies.Select(s => (r.Label, r.Run, s)));

    private static string DriftText(IReadOnlyList<int> ticks) =>
        ticks.Count == 0 ? "none" : string.Join(", ", ticks.Select(t => t.ToString(CultureInfo.InvariantCulture)));

    private static string E(string text) => HtmlReport.E(text);

    private static string Md(string text) => MarkdownReport.Escape(text);
}
