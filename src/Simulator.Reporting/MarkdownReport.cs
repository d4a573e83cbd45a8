using System.Text;
using Simulator.Core.Results;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting;

/// <summary>
/// A Markdown summary for issues and papers: scenario line, the summary table (best per metric
/// in bold) and links to the figure PNGs relative to the report.
/// </summary>
public static class MarkdownReport
{
    /// <summary>Renders the report; images are linked as <c>&lt;plotsRelativePath&gt;/&lt;name&gt;.png</c>.</summary>
    public static string Render(RunResult run, IReadOnlyList<RenderedFigure> figures, string plotsRelativePath = "plots")
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(Escape(run.ScenarioName)).Append("\n\n");
        sb.Append(FormattableString.Invariant(
            $"{run.Users} users, {run.Items} items, dim {run.Dim}, slate {run.SlateSize}, {run.Ticks} ticks, {run.Seeds.Count} seed(s); "));
        sb.Append("strategies: ").Append(Escape(string.Join(", ", run.Strategies))).Append(".\n\n");

        sb.Append("| strategy |");
        foreach (var m in run.Metrics)
        {
            sb.Append(' ').Append(Escape(m)).Append(MetricNames.IsLowerBetter(m) ? " (lower is better)" : string.Empty).Append(" |");
        }

        sb.Append("\n|---|");
        sb.Append(string.Concat(Enumerable.Repeat("---:|", run.Metrics.Count))).Append('\n');
        var best = run.Metrics.Select(m => SummaryCells.Best(run, m)).ToArray();
        foreach (var strategy in run.Strategies)
        {
            sb.Append("| ").Append(Escape(strategy)).Append(" |");
            for (var m = 0; m < run.Metrics.Count; m++)
            {
                var cell = SummaryCells.MeanWithInterval(SummaryCells.Get(run, strategy, run.Metrics[m]));
                var isBest = SummaryCells.IsBest(run, strategy, run.Metrics[m], best[m]);
                sb.Append(' ').Append(isBest ? "**" + cell + "**" : cell).Append(" |");
            }

            sb.Append('\n');
        }

        sb.Append('\n').Append("Cells: mean [95% CI] across seeds of each seed's time-averaged metric; best per metric in bold.\n");

        var prefix = string.IsNullOrEmpty(plotsRelativePath) ? string.Empty : plotsRelativePath.TrimEnd('/') + "/";
        foreach (var figure in figures)
        {
            sb.Append("\n![").Append(Escape(figure.Title)).Append("](")
                .Append(prefix).Append(figure.PngFileName).Append(")\n\n")
                .Append('*').Append(Escape(figure.Caption)).Append("*\n");
        }

        return sb.ToString();
    }

    // Escapes the characters that would break a table cell or start unintended formatting.
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '|' or '*' or '[' or ']' or '<' or '>' or '`' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c is '\n' or '\r' ? ' ' : c);
        }

        return sb.ToString();
    }
}
