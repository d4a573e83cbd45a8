using Simulator.Core.Results;

namespace Simulator.Tests.Core.Results;

public sealed class RetentionCurveTests
{
    /// <summary>1, 0.8, 0.4 at gaps 0, 2, 6: the curve crosses 0.5 three quarters of the way from 2 to 6, at 5.</summary>
    [Fact]
    public void Half_life_interpolates_between_the_probed_gaps()
    {
        Assert.Equal(5.0, RetentionCurve.HalfLife([0, 2, 6], [1, 0.8, 0.4]), 12);
        Assert.Equal(2.0, RetentionCurve.HalfLife([0, 2, 6], [1, 0.5, 0.4]), 12);
        Assert.True(double.IsNaN(RetentionCurve.HalfLife([0, 2, 6], [1, 0.9, 0.6])));
    }

    /// <summary>A curve that never falls to one half is censored: it counts as the longest half-life in a median.</summary>
    [Fact]
    public void Censored_half_lives_count_as_the_longest_in_the_median()
    {
        Assert.Equal(4.0, RetentionCurve.MedianHalfLife([3, double.NaN, 4]));
        Assert.True(double.IsNaN(RetentionCurve.MedianHalfLife([3, double.NaN, double.NaN])));
        Assert.Equal(3.5, RetentionCurve.MedianHalfLife([3, 4]));
    }
}
