using Simulator.Core.Results;
using Simulator.Core.Statistics;

namespace Simulator.Tests.Core.Statistics;

/// <summary>Drift recovery: episodes on hand-made series and the Kaplan-Meier median with censoring.</summary>
public sealed class DriftRecoveryTests
{
    [Fact]
    public void Kaplan_meier_median_handles_censoring_on_a_hand_example()
    {
        // Times 1, 2+, 3, 4, 5+ (+ = censored): S(1) = 4/5; at 3 three at risk: S = 0.8 x 2/3 = 0.533;
        // at 4 two at risk: S = 0.533 x 1/2 = 0.267 <= 0.5, so the median is 4.
        (double, bool)[] observations = [(1, true), (2, false), (3, true), (4, true), (5, false)];
        Assert.Equal(4.0, DriftRecovery.KaplanMeierMedian(observations));

        // Without censoring it is the ordinary (lower) median.
        Assert.Equal(2.0, DriftRecovery.KaplanMeierMedian([(1, true), (2, true), (3, true), (4, true)]));

        // Mostly censored: S never reaches 1/2, so the median is undefined.
        Assert.True(double.IsNaN(DriftRecovery.KaplanMeierMedian([(2, true), (9, false), (9, false)])));
        Assert.True(double.IsNaN(DriftRecovery.KaplanMeierMedian([])));
    }

    [Fact]
    public void Censored_observations_at_an_event_time_are_still_at_risk_there()
    {
        // At t = 2: one event among three at risk (the censored one included): S = 2/3; at 3: S = 2/3 x 0 = 0.
        Assert.Equal(3.0, DriftRecovery.KaplanMeierMedian([(2, true), (2, false), (3, true)]));
    }

    [Fact]
    public void Episode_measures_depth_time_to_recover_and_area()
    {
        // Pre-level 1 (ticks 0-4); event at 5; target 0.95: falls at 5, back at 8.
        double[] series = [1, 1, 1, 1, 1, 0.5, 0.7, 0.9, 0.96, 1];
        var e = DriftRecovery.Episode(series, 5, series.Length)!;
        Assert.Equal(1.0, e.PreLevel, 12);
        Assert.Equal(0.5, e.Depth, 12);
        Assert.True(e.Recovered);
        Assert.Equal(3.0, e.TicksToRecover);
        Assert.Equal(0.5 + 0.3 + 0.1 + 0.04, e.AreaUnderDegradation, 12);
    }

    [Fact]
    public void Episode_is_censored_at_the_next_event_when_it_never_recovers()
    {
        double[] series = [0.8, 0.8, 0.4, 0.5, 0.6, 0.8, 0.8];
        var e = DriftRecovery.Episode(series, 2, 5)!; // next event at 5 ends the observation
        Assert.False(e.Recovered);
        Assert.Equal(3.0, e.TicksToRecover);

        // A metric that never falls below the target recovered at once.
        var flat = DriftRecovery.Episode([1.0, 1.0, 0.99, 1.0], 2, 4)!;
        Assert.True(flat.Recovered);
        Assert.Equal(0.0, flat.TicksToRecover);
        Assert.Null(DriftRecovery.Episode([1.0, 1.0], 0, 2)); // no pre-event tick
    }

    [Fact]
    public void Compute_reports_every_strategy_and_event_with_censoring_counts()
    {
        var series = new MetricSeries(2, 2, 10, 1);
        for (var s = 0; s < 2; s++)
        {
            for (var t = 0; t < 10; t++)
            {
                series[0, s, t, 0] = 1.0;                                  // never drops
                series[1, s, t, 0] = t < 3 ? 1.0 : (s == 0 && t >= 5 ? 1.0 : 0.5); // seed 1 never recovers
            }
        }

        var result = DriftRecovery.Compute(series, ["flat", "frozen"], 0, [3]);
        Assert.Equal(2, result.Count);
        Assert.Equal(0.0, result[0].MedianTicksToRecover);
        Assert.Equal(1, result[1].Censored);
        Assert.Equal(1, result[1].Recovered);
        Assert.Equal(2.0, result[1].MedianTicksToRecover); // S drops to 1/2 at the one recovery (t = 2)
        Assert.Empty(DriftRecovery.Compute(series, ["flat", "frozen"], -1, [3]));
    }
}
