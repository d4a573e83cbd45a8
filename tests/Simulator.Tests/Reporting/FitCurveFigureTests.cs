using System.Xml.Linq;
using Simulator.Core.Fitting;
using Simulator.Reporting.Figures;

namespace Simulator.Tests.Reporting;

/// <summary>The fit figure: a log-scaled time axis over the observed gaps, the observed rate with 95% intervals, the session gap marked.</summary>
public sealed class FitCurveFigureTests
{
    /// <summary>Garwood's exact Poisson interval for a hazard and Wilson's for a proportion, checked against tabulated values.</summary>
    [Fact]
    public void Observed_rates_carry_their_95_percent_intervals()
    {
        var hazard = RateBins.Rates([0, 1, 2], [0, 10], [0, 9], [100, 100], RateKind.Hazard);
        Assert.Equal(0, hazard.Lower[0]);
        Assert.Equal(3.6889 / 100, hazard.Upper[0], 5);
        Assert.Equal(4.7954 / 100, hazard.Lower[1], 5);
        Assert.Equal(18.3904 / 100, hazard.Upper[1], 5);
        Assert.Equal(0.09, hazard.Fitted[1], 12);

        var proportion = RateBins.Rates([0, 1, 2], [50, 0], [45, 0], [100, 0], RateKind.Proportion);
        Assert.Equal(0.4038, proportion.Lower[0], 4);
        Assert.Equal(0.5962, proportion.Upper[0], 4);
        Assert.True(double.IsNaN(proportion.Observed[1]), "an empty bin is NaN");
    }

    /// <summary>
    /// Gaps from a minute to two months (in days): the axis is log-scaled over them, so the
    /// session gap (1 hour) and one tick (1 day) both lie inside it and are marked, with labels.
    /// </summary>
    [Fact]
    public void The_axis_is_log_scaled_over_the_observed_gaps_and_marks_the_session_gap_and_the_tick()
    {
        const int bins = 24;
        var lo = 1.0 / 1440;
        var hi = 60.0;
        var edges = Enumerable.Range(0, bins + 1).Select(i => lo * Math.Pow(hi / lo, i / (double)bins)).ToArray();
        var events = Enumerable.Range(0, bins).Select(b => 40.0 - b).ToArray();
        var atRisk = Enumerable.Range(0, bins).Select(b => edges[b + 1] - edges[b]).Select(w => w * 200).ToArray();
        var fitted = events.Select(e => e * 0.9).ToArray();
        var rates = RateBins.Rates(edges, events, fitted, atRisk, RateKind.Hazard);

        var figure = FitCurveFigure.Render("ratings.dat", "days", "re-engagement hazard (per day)", [("exponential (best)", rates), ("sigmoid", rates)], sessionGap: 1.0 / 24, tick: 1);

        Assert.Equal("fit_curves", figure.Name);
        var svg = XDocument.Parse(figure.Svg).ToString();
        Assert.Contains("time since last engagement with the topic (days, log scale)", svg, StringComparison.Ordinal);
        Assert.Contains("session gap (0.0417 days)", svg, StringComparison.Ordinal);
        Assert.Contains("one tick (1 day)", svg, StringComparison.Ordinal);
        Assert.Contains("observed (95% interval)", svg, StringComparison.Ordinal);
        Assert.Contains("exponential (best)", svg, StringComparison.Ordinal);
        Assert.Contains("the dashed line is the session gap", figure.Caption, StringComparison.Ordinal);

        // Tick labels are times, not their logarithms: 0.01 and 10 days both appear on the axis.
        var labels = XDocument.Parse(figure.Svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToArray();
        Assert.True(labels.Contains("0.01") && labels.Contains("10"), string.Join(" | ", labels));
    }
}
