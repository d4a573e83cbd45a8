using System.Text.RegularExpressions;
using Simulator.Core.Results;
using Simulator.Reporting;
using Simulator.Reporting.Figures;

namespace Simulator.Tests.Reporting;

public sealed class ReportTextTests
{
    private static readonly Lazy<(Simulator.Core.Results.RunResult Run, IReadOnlyList<RenderedFigure> Figures)> Data = new(() =>
    {
        var run = SyntheticRun.Create();
        return (run, ReportFigures.RenderAll(run));
    });

    [Fact]
    public void Html_embeds_every_figure_and_references_nothing_external()
    {
        var (run, figures) = Data.Value;
        var html = HtmlReport.Render(run, figures);
        foreach (var f in figures)
        {
            Assert.Contains("data:image/png;base64," + Convert.ToBase64String(f.Png), html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"//", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<details>", html, StringComparison.Ordinal);
        Assert.Contains("a &lt; b &amp; c", html, StringComparison.Ordinal); // scenario JSON is escaped
        foreach (var expected in new[] { "test-cpu", "0.1.0-test", "2026-01-02 03:04:05Z", "1.25 s", "synthetic-drift" })
        {
            Assert.Contains(expected, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Html_highlights_one_best_cell_per_metric_with_lower_better_for_regret()
    {
        var (run, figures) = Data.Value;
        var html = HtmlReport.Render(run, figures);
        Assert.Equal(run.Metrics.Count, Regex.Matches(html, "class=\"best\"").Count);

        // Synthetic data: strategy 0 is best on everything, including the lowest regret.
        var oracleRow = html[html.IndexOf($"<tr><td>{StrategyPalette.SwatchHtml(0)}oracle</td>", StringComparison.Ordinal)..];
        oracleRow = oracleRow[..oracleRow.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Equal(run.Metrics.Count, Regex.Matches(oracleRow, "class=\"best\"").Count);
    }

    [Fact]
    public void Html_escapes_strategy_names()
    {
        var run = SyntheticRun.Create(strategies: ["<script>alert(1)</script>", "a&b"], ticks: 5);
        var html = HtmlReport.Render(run, []);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a&amp;b", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_has_table_and_image_links()
    {
        var (run, figures) = Data.Value;
        var md = MarkdownReport.Render(run, figures);
        foreach (var s in run.Strategies)
        {
            Assert.Contains("| " + s + " |", md, StringComparison.Ordinal);
        }

        foreach (var m in run.Metrics)
        {
            Assert.Contains(m, md, StringComparison.Ordinal);
        }

        foreach (var f in figures)
        {
            Assert.Contains("](plots/" + f.Name + ".png)", md, StringComparison.Ordinal);
        }

        Assert.Contains("](figs/regret.png)", MarkdownReport.Render(run, figures, "figs/"), StringComparison.Ordinal);
        Assert.Equal(run.Metrics.Count, Regex.Matches(md, @"\*\*[0-9.]+ \[").Count);
    }

    [Fact]
    public void Console_table_is_aligned_and_complete()
    {
        var (run, _) = Data.Value;
        var text = ConsoleTable.Render(run);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tableLines = lines.Take(2 + run.Strategies.Count).ToArray();
        Assert.All(tableLines, l => Assert.Equal(tableLines[0].Length, l.Length));
        foreach (var s in run.Strategies)
        {
            Assert.Contains(tableLines, l => l.StartsWith(s + " ", StringComparison.Ordinal));
        }

        foreach (var m in run.Metrics)
        {
            Assert.Contains(m, tableLines[0], StringComparison.Ordinal);
        }

        Assert.Contains("±", text, StringComparison.Ordinal);
        Assert.Contains("regret (lower)", tableLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Console_table_adds_paired_differences_and_recovery_when_the_run_has_them()
    {
        var plain = SyntheticRun.Create();
        var perSeed = Simulator.Core.Statistics.Summaries.PerSeed(plain.Series);
        var run = plain with
        {
            Comparisons = Simulator.Core.Statistics.PairedStatistics.Compare(plain.Strategies, plain.Metrics, perSeed, "oracle", 1),
            RecoveryMetric = "ndcg@10",
            Recovery = Simulator.Core.Statistics.DriftRecovery.Compute(plain.Series, plain.Strategies, 0, plain.DriftEventTicks),
        };
        var text = ConsoleTable.Render(run);
        Assert.Contains("vs oracle", text, StringComparison.Ordinal);
        Assert.Contains("Holm-adjusted", text, StringComparison.Ordinal);
        Assert.Contains("popularity", text.Split("vs oracle")[1], StringComparison.Ordinal);
        Assert.Contains("median ticks", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vs oracle", ConsoleTable.Render(plain), StringComparison.Ordinal);

        var json = Simulator.Storage.RunFolders.SummaryJson.Write(run);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("oracle", doc.RootElement.GetProperty("comparisons").GetProperty("reference").GetString());
        var diff = doc.RootElement.GetProperty("comparisons").GetProperty("popularity").GetProperty("ndcg@10");
        Assert.True(diff.GetProperty("mean_diff").GetDouble() < 0);
        Assert.Equal(2, diff.GetProperty("bootstrap_ci95").GetArrayLength());
        Assert.Equal(3, doc.RootElement.GetProperty("recovery").GetProperty("oracle")[0].GetProperty("seeds").GetArrayLength());
        Assert.Equal(json, Simulator.Storage.RunFolders.SummaryJson.Write(run)); // deterministic
    }

    [Fact]
    public void Markdown_escapes_table_breaking_characters()
    {
        var run = SyntheticRun.Create(strategies: ["a|b", "c"], ticks: 5);
        var md = MarkdownReport.Render(run, []);
        Assert.Contains("| a\\|b |", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.13789, 0.13789, "0.1379")]
    [InlineData(0.000645, 0.13789, "0.0006")]
    [InlineData(12.3456, 12.3456, "12.35")]
    [InlineData(double.NaN, 1.0, "n/a")]
    [InlineData(1.5e-7, 1.5e-7, "1.5e-7")]
    public void Numbers_use_the_reference_precision(double value, double reference, string expected) =>
        Assert.Equal(expected, MetricNames.FormatLike(value, reference));
}
