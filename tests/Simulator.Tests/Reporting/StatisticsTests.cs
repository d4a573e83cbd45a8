using Simulator.Reporting;

namespace Simulator.Tests.Reporting;

public sealed class StatisticsTests
{
    // Table values are given to 4 decimals; the expansion beyond df = 30 is good to ~1e-5.
    private const double TableTolerance = 1e-4;

    [Theory]
    [InlineData(1, 12.7062)]
    [InlineData(2, 4.3027)]
    [InlineData(30, 2.0423)]
    [InlineData(31, 2.0395)]
    [InlineData(60, 2.0003)]
    [InlineData(120, 1.9799)]
    [InlineData(1000, 1.9623)]
    public void T_quantile_matches_tables(int df, double expected) =>
        Assert.Equal(expected, SeedStatistics.TQuantile975(df), TableTolerance);

    [Fact]
    public void Estimate_is_a_t_interval_over_finite_values()
    {
        var e = SeedStatistics.Estimate([1.0, 2.0, double.NaN, 3.0]);
        Assert.Equal(3, e.Count);
        Assert.Equal(2.0, e.Mean, 12);

        // sd = 1, se = 1/sqrt(3), t(0.975, 2) = 4.3027.
        Assert.Equal(4.3027 / Math.Sqrt(3), e.HalfWidth, 4);
    }

    [Fact]
    public void One_seed_has_a_zero_width_interval()
    {
        var e = SeedStatistics.Estimate([0.5]);
        Assert.Equal(0.5, e.Low);
        Assert.Equal(0.5, e.High);
    }

    [Fact]
    public void Cumulative_sum_skips_nan()
    {
        Assert.Equal([1.0, 1.0, 3.0], SeedStatistics.CumulativeSum([1.0, double.NaN, 2.0]));
    }
}
