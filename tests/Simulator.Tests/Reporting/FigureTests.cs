using System.Xml.Linq;
using Simulator.Reporting;
using Simulator.Reporting.Figures;

namespace Simulator.Tests.Reporting;

public sealed class FigureTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // Rendered once for the class: ScottPlot's first render pays font loading, later ones are fast.
    private static readonly Lazy<IReadOnlyList<RenderedFigure>> Figures =
        new(() => ReportFigures.RenderAll(SyntheticRun.Create()));

    [Fact]
    public void RenderAll_names_every_expected_figure_in_order()
    {
        var names = Figures.Value.Select(f => f.Name).ToArray();
        Assert.Equal(
            ["ndcg_at_10", "expected_ctr", "regret", "cumulative_regret", "drift_recovery_ndcg_at_10_t10", "summary_ndcg_at_10", "summary_expected_ctr", "summary_regret",
                "exposure_lorenz", "example_user_0", "example_user_1", "example_user_2", "parameter_recovery"],
            names);
    }

    [Fact]
    public void Every_figure_is_a_png_and_valid_svg_with_title_and_caption()
    {
        foreach (var figure in Figures.Value)
        {
            Assert.True(figure.Png.Length > 1000, figure.Name);
            Assert.Equal(PngSignature, figure.Png.Take(8).ToArray());
            var svg = XDocument.Parse(figure.Svg);
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.False(string.IsNullOrWhiteSpace(figure.Title));
            Assert.False(string.IsNullOrWhiteSpace(figure.Caption));
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Rendering_twice_gives_identical_bytes()
    {
        var again = ReportFigures.RenderAll(SyntheticRun.Create());
        Assert.Equal(Figures.Value.Count, again.Count);
        for (var i = 0; i < again.Count; i++)
        {
            Assert.Equal(Figures.Value[i].Png, again[i].Png);
            Assert.Equal(Figures.Value[i].Svg, again[i].Svg);
        }
    }

    [Fact]
    public void Time_series_builder_is_generic_over_metric_names_and_handles_one_seed()
    {
        var run = SyntheticRun.Create(metrics: ["tracking_error", "gini"], seeds: 1, driftTicks: [], exposureAndExampleUsers: false);
        var figures = ReportFigures.RenderAll(run);
        Assert.Equal(["tracking_error", "gini", "summary_tracking_error", "summary_gini"], figures.Select(f => f.Name).ToArray());
        Assert.Contains("no confidence band", figures[0].Caption, StringComparison.Ordinal);
        Assert.Contains("Lower is better", figures[0].Caption, StringComparison.Ordinal);
        Assert.All(figures, f => Assert.Equal(PngSignature, f.Png.Take(8).ToArray()));
    }

    [Fact]
    public void Drift_recovery_gets_one_zoomed_figure_per_event_and_is_skipped_without_ndcg()
    {
        var run = SyntheticRun.Create(metrics: ["ndcg@10", "gini", "coverage"], ticks: 40, driftTicks: [10, 30], exposureAndExampleUsers: false);
        var figures = ReportFigures.RenderAll(run);
        Assert.Equal(
            ["ndcg_at_10", "gini", "coverage", "drift_recovery_ndcg_at_10_t10", "drift_recovery_ndcg_at_10_t30",
             "summary_ndcg_at_10", "summary_gini", "summary_coverage"],
            figures.Select(f => f.Name).ToArray());
        var recovery = figures.Single(f => f.Name == "drift_recovery_ndcg_at_10_t30");
        Assert.Contains("from tick 26 to 39", recovery.Caption, StringComparison.Ordinal);
        Assert.Equal(PngSignature, recovery.Png.Take(8).ToArray());
        Assert.Contains("exposure inequality", figures.Single(f => f.Name == "gini").Title, StringComparison.Ordinal);
        Assert.Contains("share of the catalog", figures.Single(f => f.Name == "coverage").Title, StringComparison.Ordinal);

        var noNdcg = ReportFigures.RenderAll(SyntheticRun.Create(metrics: ["expected_ctr"], driftTicks: [5]));
        Assert.DoesNotContain(noNdcg, f => f.Name.StartsWith("drift_recovery", StringComparison.Ordinal));
    }

    [Fact]
    public void Nan_ticks_do_not_break_rendering()
    {
        var run = SyntheticRun.Create();
        run.Series[0, 0, 3, 0] = double.NaN;
        var figure = TimeSeriesFigure.RenderMetric(run, "ndcg@10");
        Assert.Equal(PngSignature, figure.Png.Take(8).ToArray());
    }

    [Fact]
    public void Unknown_metric_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => TimeSeriesFigure.RenderMetric(SyntheticRun.Create(), "nope"));
    }

    [Fact]
    public void WriteAll_writes_png_and_svg_into_plots_folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "reporting-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var figures = ReportFigures.WriteAll(SyntheticRun.Create(), dir);
            foreach (var f in figures)
            {
                Assert.Equal(f.Png, File.ReadAllBytes(Path.Combine(dir, "plots", f.Name + ".png")));
                Assert.Equal(f.Svg, File.ReadAllText(Path.Combine(dir, "plots", f.Name + ".svg")));
            }

            Assert.True(File.Exists(Path.Combine(dir, "plots", "cumulative_regret.png")));
            Assert.True(File.Exists(Path.Combine(dir, "plots", "summary_ndcg_at_10.png")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("ndcg@10", "ndcg_at_10")]
    [InlineData("expected_ctr", "expected_ctr")]
    [InlineData("Exposure Gini", "exposure_gini")]
    [InlineData("recall@5/x", "recall_at_5_x")]
    public void Slug_follows_the_file_name_rule(string metric, string slug) =>
        Assert.Equal(slug, MetricNames.Slug(metric));

    [Theory]
    [InlineData("regret", true)]
    [InlineData("cumulative_regret", true)]
    [InlineData("tracking_error", true)]
    [InlineData("gini", true)]
    [InlineData("ndcg@10", false)]
    [InlineData("expected_ctr", false)]
    public void Lower_is_better_by_name(string metric, bool lower) =>
        Assert.Equal(lower, MetricNames.IsLowerBetter(metric));
}
