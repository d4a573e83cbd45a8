using Simulator.Core.Results;
using Simulator.Core.Simulation;
using Simulator.Reporting.Figures;
using Xunit;

namespace Simulator.Tests.Reporting;

/// <summary>The Lorenz curve and the example-user panel (their files: Storage/RunFolders/ExposureAndExampleUserTests).</summary>
public sealed class ExposureAndExampleUserTests
{
    [Fact]
    public void Lorenz_curve_of_equal_exposure_is_the_diagonal()
    {
        var (xs, ys) = LorenzFigure.Curve([4, 4, 4, 4]);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], xs);
        Assert.Equal(xs, ys);
    }

    [Fact]
    public void Lorenz_curve_sorts_items_and_sums_exactly()
    {
        // Sorted: 0, 1, 3, 6 of total 10.
        var (xs, ys) = LorenzFigure.Curve([6, 0, 3, 1]);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], xs);
        Assert.Equal([0, 0, 0.1, 0.4, 1], ys, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Lorenz_curve_of_a_large_catalog_is_sampled_but_keeps_both_ends()
    {
        var counts = Enumerable.Range(0, 10_000).Select(i => (long)i).ToArray();
        var (xs, ys) = LorenzFigure.Curve(counts);
        Assert.Equal(LorenzFigure.MaxPoints + 1, xs.Length);
        Assert.Equal((0.0, 0.0), (xs[0], ys[0]));
        Assert.Equal(1.0, xs[^1]);
        Assert.Equal(1.0, ys[^1], 12);

        // Linear counts: the curve is x^2 in the continuum limit.
        Assert.Equal(0.25, ys[LorenzFigure.MaxPoints / 2], 3);
    }

    [Fact]
    public void Nothing_shown_gives_no_curve_and_no_exposure_gives_no_figure()
    {
        Assert.Empty(LorenzFigure.Curve([0, 0, 0]).Xs);
        Assert.Null(LorenzFigure.Render(SyntheticRun.Create(exposureAndExampleUsers: false)));
        Assert.Empty(ExampleUserFigure.RenderAll(SyntheticRun.Create(exposureAndExampleUsers: false)));
    }

    [Fact]
    public void Example_users_are_the_fastest_median_and_slowest_forgetters()
    {
        Assert.Equal([3, 4, 1], ExampleUserRecorder.Choose([5f, 9f, 7f, 1f, 5f]));
        Assert.Equal([1, 0], ExampleUserRecorder.Choose([2f, 1f]));

        // Ties resolve to the lowest index, whatever the input order of equal values.
        Assert.Equal([0, 2, 4], ExampleUserRecorder.Choose([1f, 1f, 2f, 3f, 3f]));
    }

    [Fact]
    public void Panel_shows_the_best_non_oracle_estimator_on_ndcg()
    {
        // SyntheticRun: oracle > ema-decay > popularity on ndcg@10.
        var run = SyntheticRun.Create();
        Assert.Equal("ema-decay", ExampleUserFigure.BestEstimatingStrategy(run));
        var figures = ExampleUserFigure.RenderAll(run);
        Assert.Equal(3, figures.Count);
        Assert.Contains("User Name 0", figures[0].Title);
        Assert.Contains("fastest forgetter", figures[0].Title);
        Assert.Contains("slowest forgetter", figures[2].Title);
        Assert.Contains("ema-decay", figures[0].Caption);
    }

    [Fact]
    public void Shares_clip_negatives_and_keep_missing_estimates_missing()
    {
        var shares = ExampleUserFigure.Shares([3f, -1f, 1f, float.NaN, 1f, 1f], 3);
        Assert.Equal([0.75, 0, 0.25], shares[..3]);
        Assert.All(shares[3..], v => Assert.True(double.IsNaN(v)));
        Assert.Equal([2, 0], ExampleUserFigure.StrongestTopics([0.2, 0.1, 0.7, 0.2, 0.1, 0.7], 3, 2).Take(2));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
