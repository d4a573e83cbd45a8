using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;

namespace Simulator.Tests.Core.Fitting;

/// <summary>What a calibrated scenario takes from the fit and what from its template.</summary>
public sealed class ScenarioCalibrationTests
{
    /// <summary>
    /// A template's segments keep their mix, drift rate and concentration, but their forgetting-speed
    /// and activity multipliers become 1: the fitted spread of speeds and the observed activity
    /// already describe the whole population (with multipliers kept, fast-forgetting.json as its
    /// own template re-ran with 6% more gaps and failed the gap KS test).
    /// </summary>
    [Fact]
    public void Template_segments_lose_their_speed_and_activity_multipliers_but_keep_the_rest()
    {
        var template = ScenarioParser.Parse("""
            {
              "name": "t", "seeds": 1, "ticks": 30,
              "population": { "users": 50, "topics": 4, "segments": [
                { "name": "binge", "weight": 1, "forgettingSpeed": 2, "activity": 1.1 },
                { "name": "explorer", "weight": 3, "concentration": 0.6, "driftRate": 0.5 } ] },
              "strategies": ["random"]
            }
            """, "template");
        var exponential = new FamilyFit(new CurveShape(ForgettingCurve.Exponential, 4, 0), 0.1, [], -100, 3);
        var fit = new ForgettingFit("test", [exponential], exponential, [], 0.8, exponential.Shape);
        var stats = new LogStatistics(100, 40, 50, 50, 4, 29, 0.7, 0.03, double.NaN, double.NaN, 0, [1, 2, 3], []);

        var calibrated = ScenarioCalibration.Calibrate(template, fit, stats, new CalibrationOptions("calibrated"));

        Assert.True(ScenarioCalibration.ResetsSegments(template));
        Assert.False(ScenarioCalibration.ResetsSegments(calibrated));
        Assert.Equal(template.Population.Segments.Select(s => (s.Name, s.Weight, s.DriftRate, s.Concentration)), calibrated.Population.Segments.Select(s => (s.Name, s.Weight, s.DriftRate, s.Concentration)));
        Assert.All(calibrated.Population.Segments, s => Assert.Equal((1f, 1f), (s.ForgettingSpeed, s.Activity)));
        Assert.Equal((0.8f, 0.7f), (calibrated.Forgetting.Heterogeneity, calibrated.Population.Activity));
    }
}
