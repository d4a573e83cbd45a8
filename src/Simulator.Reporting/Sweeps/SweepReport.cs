using System.Text;
using Simulator.Core.Results;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting.Sweeps;

/// <summary>
/// The sweep's own report (report.html and report.md at the top of the sweep folder): the axes,
/// the crossover figures, and a table of the primary metric per cell and strategy with links to
/// each cell's full report.
/// </summary>
public static class SweepReport
{
    public static string Markdown(SweepResult sweep, IReadOnlyList<RenderedFigure> figures)
    {
        var metric = sweep.PrimaryMetric;
        var sb = new StringBuilder();
        sb.Append("# ").Append(MarkdownReport.Escape(sweep.ScenarioName)).Append(" (sweep)\n\n");
        sb.Append(sweep.Cells.Count).Append(" cells over ")
            .Append(MarkdownReport.Escape(string.Join(" x ", sweep.Axes.Select(a => $"{a.Path} [{string.Join(", ", a.Values)}]")))).Append(".\n\n");
        foreach (var figure in figures)
        {
            sb.Append("![").Append(MarkdownReport.Escape(figure.Title)).Append("](plots/").Append(figure.PngFileName).Append(")\n\n")
                .Append('*').Append(MarkdownReport.Escape(figure.Caption)).Append("*\n\n");
        }

        sb.Append("| cell |");
        foreach (var strategy in sweep.Strategies)
        {
            sb.Append(' ').Append(MarkdownReport.Escape(strategy)).Append(" |");
        }

        sb.Append("\n|---|").Append(string.Concat(Enumerable.Repeat("---:|", sweep.Strategies.Count))).Append('\n');
        foreach (var cell in sweep.Cells)
        {
            sb.Append("| [").Append(MarkdownReport.Escape(Label(cell))).Append("](").Append(cell.Folder).Append("/report.md) |");
            foreach (var strategy in sweep.Strategies)
            {
                sb.Append(' ').Append(SummaryCells.MeanWithInterval(SummaryCells.Get(cell.Run, strategy, metric))).Append(" |");
            }

            sb.Append('\n');
        }

        sb.Append("\nCells: ").Append(MarkdownReport.Escape(metric))
            .Append(", mean [95% CI] across seeds of each seed's time-averaged value. Each cell's folder holds its full report.\n");
        return sb.ToString();
    }

    public static string Html(SweepResult sweep, IReadOnlyList<RenderedFigure> figures)
    {
        static string E(string text) => HtmlReport.E(text);
        var metric = sweep.PrimaryMetric;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E(sweep.ScenarioName)).Append(" (sweep)</title>\n<style>\n").Append(HtmlReport.Css).Append("\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(sweep.ScenarioName)).Append(" (sweep)</h1>\n<p>").Append(sweep.Cells.Count).Append(" cells over ")
            .Append(E(string.Join(" x ", sweep.Axes.Select(a => $"{a.Path} [{string.Join(", ", a.Values)}]")))).Append(".</p>\n");
        foreach (var f in figures)
        {
            sb.Append("<figure id=\"").Append(E(f.Name)).Append("\">\n<img alt=\"").Append(E(f.Title)).Append("\" src=\"plots/")
                .Append(E(f.PngFileName)).Append("\">\n<figcaption>").Append(E(f.Caption)).Append("</figcaption>\n</figure>\n");
        }

        sb.Append("<table>\n<thead><tr><th>cell</th>");
        foreach (var strategy in sweep.Strategies)
        {
            sb.Append("<th>").Append(E(strategy)).Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var cell in sweep.Cells)
        {
            sb.Append("<tr><td><a href=\"").Append(E(cell.Folder)).Append("/report.html\">").Append(E(Label(cell))).Append("</a></td>");
            foreach (var strategy in sweep.Strategies)
            {
                sb.Append("<td>").Append(E(SummaryCells.MeanWithInterval(SummaryCells.Get(cell.Run, strategy, metric)))).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n<p>Cells: ").Append(E(metric))
            .Append(", mean [95% CI] across seeds of each seed's time-averaged value.</p>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Label(SweepCellResult cell) => string.Join(", ", cell.Settings.Select(s => $"{s.Path}={s.Value}"));
}
