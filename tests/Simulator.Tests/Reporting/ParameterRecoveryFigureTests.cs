using Simulator.Reporting.Figures;
using Xunit;

namespace Simulator.Tests.Reporting;

public sealed class ParameterRecoveryFigureTests
{
    [Fact]
    public void Scatter_reports_spearman_per_strategy_and_renders_png_and_svg()
    {
        var run = SyntheticRun.Create();
        var truth = Enumerable.Range(1, 50).Select(i => 0.01 * i).ToArray();
        var monotone = truth.Select(r => Math.Sqrt(r) * 3).ToArray();
        var reversed = truth.Select(r => 1 / r).ToArray();
        var figure = ParameterRecoveryFigure.Render(run, [new("ema-decay", truth, monotone), new("popularity", truth, reversed)]);

        Assert.NotNull(figure);
        Assert.Equal(ParameterRecoveryFigure.Name, figure.Name);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], figure.Png.Take(4).ToArray());
        Assert.Contains("ema-decay (Spearman 1.00, n=50)", figure.Svg, StringComparison.Ordinal);
        Assert.Contains("popularity (Spearman -1.00, n=50)", figure.Svg, StringComparison.Ordinal);
    }

    [Fact]
    public void No_fitted_rates_means_no_figure()
    {
        var run = SyntheticRun.Create();
        Assert.Null(ParameterRecoveryFigure.Render(run, []));
        Assert.Null(ParameterRecoveryFigure.Render(run, [new("ema-decay", [0.1, 0.2], [0, -1])]));
    }
}
