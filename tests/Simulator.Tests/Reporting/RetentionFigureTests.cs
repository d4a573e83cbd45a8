using Simulator.Reporting.Figures;
using Simulator.Tests.Storage.RunFolders;

namespace Simulator.Tests.Reporting;

public sealed class RetentionFigureTests
{
    [Fact]
    public void The_figure_puts_each_median_half_life_in_the_legend_and_the_report_includes_it()
    {
        var run = RetentionFileTests.WithRetention();
        var figure = RetentionFigure.Render(run);
        Assert.NotNull(figure);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], figure.Png.Take(4).ToArray());
        Assert.Contains("ema-decay learned (median half-life &gt; 64 ticks)", figure.Svg, StringComparison.Ordinal);
        Assert.Contains("world, true (median half-life 2 ticks)", figure.Svg, StringComparison.Ordinal);
        Assert.Contains(ReportFigures.RenderAll(run), f => f.Name == RetentionFigure.Name);
        Assert.Null(RetentionFigure.Render(SyntheticRun.Create()));
        Assert.DoesNotContain(ReportFigures.RenderAll(SyntheticRun.Create()), f => f.Name == RetentionFigure.Name);
    }
}
