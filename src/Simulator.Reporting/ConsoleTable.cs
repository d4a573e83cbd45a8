using System.Text;
using Simulator.Core.Results;

namespace Simulator.Reporting;

/// <summary>
/// Plain-text summary the CLI prints: strategies as rows, metrics as columns, each cell
/// <c>mean ± halfwidth</c> of the 95% interval across seeds; <c>*</c> marks the best per metric.
/// </summary>
public static class ConsoleTable
{
    /// <summary>Renders the aligned table, ending with a newline; lines use '\n'.</summary>
    public static string Render(RunResult run)
    {
        var header = new List<string> { "strategy" };
        header.AddRange(run.Metrics.Select(m => MetricNames.IsLowerBetter(m) ? m + " (lower)" : m));
        var rows = new List<string[]> { header.ToArray() };
        var best = run.Metrics.Select(m => SummaryCells.Best(run, m)).ToArray();
        foreach (var strategy in run.Strategies)
        {
            var row = new string[run.Metrics.Count + 1];
            row[0] = strategy;
            for (var m = 0; m < run.Metrics.Count; m++)
            {
                var cell = SummaryCells.MeanPlusMinus(SummaryCells.Get(run, strategy, run.Metrics[m]));
                // Marker in front keeps right-aligned cells free of trailing spaces.
                row[m + 1] = (SummaryCells.IsBest(run, strategy, run.Metrics[m], best[m]) ? "* " : string.Empty) + cell;
            }

            rows.Add(row);
        }

        var widths = new int[header.Count];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var sb = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            // Names left-aligned, numbers right-aligned so decimal points line up when digits match.
            var parts = rows[r].Select((text, c) => c == 0 ? text.PadRight(widths[c]) : text.PadLeft(widths[c]));
            sb.Append(string.Join("  ", parts).TrimEnd()).Append('\n');
            if (r == 0)
            {
                sb.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
            }
        }

        sb.Append("mean ± half-width of the 95% t interval across ")
            .Append(run.Seeds.Count).Append(" seed(s); * = best per metric.\n");
        return sb.ToString();
    }
}
