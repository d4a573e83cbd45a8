using System.Xml.Linq;
using Simulator.Reporting.Comparison;

namespace Simulator.Tests.Reporting;

/// <summary>Comparison figures and reports from synthetic runs: valid images, deterministic, self-contained.</summary>
public sealed class ComparisonTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static RunComparison Create(IReadOnlyList<string>? only = null) => RunComparison.Create(
        [
            new ComparedRun("a (synthetic-drift)", SyntheticRun.Create()),
            new ComparedRun("b (synthetic-drift)", SyntheticRun.Create(strategies: ["oracle", "random"], metrics: ["regret", "ndcg@10", "gini"], seeds: 1, ticks: 12, driftTicks: [])),
        ],
        only);

    [Fact]
    public void Common_metrics_follow_the_first_run_and_the_rest_are_skipped()
    {
        var c = Create();
        Assert.Equal(["ndcg@10", "regret"], c.Metrics);
        Assert.Equal(["expected_ctr", "gini"], c.SkippedMetrics);
        Assert.Equal(["oracle", "ema-decay", "popularity", "random"], c.Strategies);
        Assert.Equal(["regret"], Create(["regret"]).Metrics);
    }

    [Fact]
    public void Figures_are_valid_images_and_render_identically_twice()
    {
        var c = Create();
        var first = ComparisonFigures.RenderAll(c);
        var second = ComparisonFigures.RenderAll(c);
        Assert.Equal(["compare_ndcg_at_10", "compare_summary_ndcg_at_10", "compare_regret", "compare_summary_regret"], first.Select(f => f.Name).ToArray());
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(PngSignature, first[i].Png.Take(8).ToArray());
            Assert.Equal("svg", XDocument.Parse(first[i].Svg).Root!.Name.LocalName);
            Assert.Equal(first[i].Png, second[i].Png);
            Assert.Equal(first[i].Svg, second[i].Svg);
        }
    }

    [Fact]
    public void Html_is_self_contained_and_escapes_labels_and_markdown_links_plots()
    {
        var c = RunComparison.Create(
        [
            new ComparedRun("<x> & y", SyntheticRun.Create()),
            new ComparedRun("z|w", SyntheticRun.Create(seeds: 2)),
        ]);
        var figures = ComparisonFigures.RenderAll(c);
        var html = ComparisonReport.RenderHtml(c, figures);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;x&gt; &amp; y", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Skipped metrics", html, StringComparison.Ordinal);
        var md = ComparisonReport.RenderMarkdown(c, figures);
        Assert.Contains("(plots/compare_regret.png)", md, StringComparison.Ordinal);
        Assert.Contains("z\\|w", md, StringComparison.Ordinal);
    }
}
