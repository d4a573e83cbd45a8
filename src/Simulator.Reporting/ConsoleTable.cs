using System.Text;
using Simulator.Core.Results;

namespace Simulator.Reporting;

/// <summary>
/// Plain-text summary the CLI prints: strategies as rows, metrics as columns, each cell
/// <c>mean ± halfwidth</c> of the 95% interval across seeds; <c>*</c> marks the best per metric.
/// When the run has paired comparisons, a second table gives each strategy's difference from
/// the reference strategy per metric with its Holm-adjusted p-value.
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

        var sb = new StringBuilder();
        Align(sb, rows);
        sb.Append("mean ± half-width of the 95% t interval across ")
            .Append(run.Seeds.Count).Append(" seed(s); * = best per metric.\n");
        AppendComparisons(sb, run);
        AppendTwins(sb, run);
        AppendRecovery(sb, run);
        AppendParameterRecovery(sb, run);
        return sb.ToString();
    }

    /// <summary>
    /// The paired differences table: strategy - reference per metric (mean over seeds of the
    /// per-seed difference) with the Holm-adjusted p-value of the paired t-test.
    /// </summary>
    private static void AppendComparisons(StringBuilder sb, RunResult run)
    {
        if (run.Comparisons is not { } comparisons || comparisons.Items.Count == 0)
        {
            return;
        }

        var header = new List<string> { "vs " + comparisons.Reference };
        header.AddRange(run.Metrics);
        var rows = new List<string[]> { header.ToArray() };
        foreach (var strategy in run.Strategies.Where(x => x != comparisons.Reference))
        {
            var row = new string[run.Metrics.Count + 1];
            row[0] = strategy;
            for (var m = 0; m < run.Metrics.Count; m++)
            {
                var c = comparisons.Find(strategy, run.Metrics[m]);
                row[m + 1] = c is null || double.IsNaN(c.MeanDiff)
                    ? "n/a"
                    : $"{(c.MeanDiff > 0 ? "+" : string.Empty)}{MetricNames.Format(c.MeanDiff)} p{FormatP(c.PHolm)}";
            }

            rows.Add(row);
        }

        sb.Append('\n');
        Align(sb, rows);
        sb.Append("paired difference vs ").Append(comparisons.Reference)
            .Append(" (mean over seeds of strategy - reference); p = paired t-test, Holm-adjusted over all cells.\n");
    }

    /// <summary>Each time-aware strategy minus its time-blind twin, per metric, with the Holm-adjusted p-value over the twin cells.</summary>
    private static void AppendTwins(StringBuilder sb, RunResult run)
    {
        if (run.Twins.Count == 0)
        {
            return;
        }

        var header = new List<string> { "time-aware - twin" };
        header.AddRange(run.Metrics);
        var rows = new List<string[]> { header.ToArray() };
        foreach (var pair in run.Twins.GroupBy(t => (t.Comparison.Strategy, t.Twin)))
        {
            var row = new string[run.Metrics.Count + 1];
            row[0] = $"{pair.Key.Strategy} - {pair.Key.Twin}";
            for (var m = 0; m < run.Metrics.Count; m++)
            {
                var c = pair.FirstOrDefault(t => t.Comparison.Metric == run.Metrics[m])?.Comparison;
                row[m + 1] = c is null || double.IsNaN(c.MeanDiff)
                    ? "n/a"
                    : $"{(c.MeanDiff > 0 ? "+" : string.Empty)}{MetricNames.Format(c.MeanDiff)} p{FormatP(c.PHolm)}";
            }

            rows.Add(row);
        }

        sb.Append('\n');
        Align(sb, rows);
        sb.Append("what time buys: each time-aware strategy minus its time-blind twin (mean over seeds of the paired difference); ")
            .Append("p = paired t-test, Holm-adjusted over the twin cells.\n");
    }

    /// <summary>Parameter recovery: Spearman of each forgetting-fitting strategy's per-user rate against the truth.</summary>
    private static void AppendParameterRecovery(StringBuilder sb, RunResult run)
    {
        if (run.ParameterRecovery.Count == 0)
        {
            return;
        }

        var rows = new List<string[]> { new[] { "parameter recovery", "spearman" } };
        foreach (var r in run.ParameterRecovery)
        {
            rows.Add([r.Strategy, SummaryCells.MeanPlusMinus(r.Spearman)]);
        }

        sb.Append('\n');
        Align(sb, rows);
        sb.Append("Spearman correlation of the fitted per-user forgetting rate with the true forgetting speed (1 / time scale).\n");
    }

    /// <summary>Recovery after each drift event: Kaplan-Meier median ticks to recover, censored seeds, depth.</summary>
    private static void AppendRecovery(StringBuilder sb, RunResult run)
    {
        if (run.Recovery.Count == 0)
        {
            return;
        }

        var rows = new List<string[]> { new[] { "recovery", "event", "median ticks", "censored", "depth", "area" } };
        foreach (var r in run.Recovery)
        {
            rows.Add([
                r.Strategy,
                r.EventTick.ToString(System.Globalization.CultureInfo.InvariantCulture),
                double.IsNaN(r.MedianTicksToRecover) ? "never" : MetricNames.Format(r.MedianTicksToRecover),
                $"{r.Censored}/{r.Seeds.Count}",
                MetricNames.Format(r.MeanDepth),
                MetricNames.Format(r.MeanAreaUnderDegradation),
            ]);
        }

        sb.Append('\n');
        Align(sb, rows);
        sb.Append("recovery of ").Append(run.RecoveryMetric).Append(" to 95% of its mean over the ")
            .Append(Simulator.Core.Statistics.DriftRecovery.Window)
            .Append(" ticks before each event (Kaplan-Meier median; \"never\" = censored in most seeds).\n");
    }

    private static string FormatP(double p) =>
        double.IsNaN(p) ? "=n/a" : p < 0.001 ? "<0.001" : "=" + p.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

    private static void Align(StringBuilder sb, List<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

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
    }
}
