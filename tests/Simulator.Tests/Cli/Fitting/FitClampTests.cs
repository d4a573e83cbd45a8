using Simulator.Cli.Fitting;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;
using Simulator.Storage.InteractionLogs;

namespace Simulator.Tests.Cli.Fitting;

/// <summary>
/// Every clamp and cap a calibrated scenario applies is said aloud, in the same words, in the
/// printed summary and at the end of the written scenario's description.
/// </summary>
public sealed class FitClampTests
{
    public static TheoryData<string, string> Clamps => new()
    {
        { "ticks-cap", "ticks: the log spans 1468801 ticks of 1 second, the scenario runs 1000 (the cap), 1000 of the log's 1468800 seconds: fit with a coarser --unit" },
        { "ticks-least", "ticks: the log spans 1 tick(s), the scenario runs 2 (the least a scenario runs)" },
        { "topics", "topics: the log has 3096, the scenario 64 (the cap of a calibrated scenario); a log without a topic column uses items as topics: give it one (--topic-col, or the genre file beside MovieLens ratings)" },
        { "users", "users: the log has 50000, the scenario simulates 20000 (--max-users)" },
        { "parameter-low", "halfLife: fitted 2E-9, written 1E-6 (a scenario's curve parameters lie between 1E-6 and 1000000 weeks)" },
        { "exponent-high", "exponent: fitted 250, written 100 (a scenario's exponent lies between 1E-6 and 100)" },
        { "heterogeneity", "heterogeneity: fitted 3.5, written 3 (a scenario's heterogeneity is at most 3)" },
        { "baseline", "baseline: fitted 0.990099, written 0.95 (a calibrated baseline is at most 0.95, else nothing is forgotten)" },
        { "activity", "activity: fitted 0.002, written 0.01 (a scenario's activity is at least 0.01)" },
    };

    [Theory]
    [MemberData(nameof(Clamps))]
    public void Every_clamp_prints_its_line(string clamp, string line)
    {
        var (fit, stats, unit) = Case(clamp);
        var read = new LogReadResult(new InteractionLog { HasImpressions = false }, LogFormat.Csv, stats.Rows, 0, null, [], "topic column", unit, 1, [], []);
        var template = ScenarioParser.Parse("""{ "name": "t", "seeds": 1, "strategies": ["random"] }""", "t");

        var calibration = ScenarioCalibration.Build(template, fit, stats, new CalibrationOptions("calibrated", UnitName: unit));
        var summary = FitCommand.Summary("log.csv", read, stats, fit, null, null, calibration);

        Assert.Contains(line, calibration.Adjustments);
        Assert.Contains("  calibrated scenario adjusted: " + line + "\n", summary.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(line, calibration.Scenario.Description, StringComparison.Ordinal);
        Assert.EndsWith(".", calibration.Scenario.Description, StringComparison.Ordinal);
    }

    /// <summary>Nothing clamped: no adjustment line, and the description does not mention any.</summary>
    [Fact]
    public void A_fit_inside_every_bound_prints_no_adjustment()
    {
        var (fit, stats, unit) = Case("none");
        var calibration = ScenarioCalibration.Build(ScenarioParser.Parse("""{ "name": "t", "seeds": 1, "strategies": ["random"] }""", "t"), fit, stats, new CalibrationOptions("calibrated", UnitName: unit));

        Assert.Empty(calibration.Adjustments);
        Assert.DoesNotContain("Adjusted", calibration.Scenario.Description, StringComparison.Ordinal);
    }

    /// <summary>Adjustments made by the reader (movies without a genre pooled into one topic) end the description too.</summary>
    [Fact]
    public void Reader_adjustments_end_the_description()
    {
        var (fit, stats, unit) = Case("none");
        const string note = "3 item(s) have no genre in movies.dat (an empty genre, or not listed): they form one topic, \"unknown\", rather than a topic each";
        var options = new CalibrationOptions("calibrated", UnitName: unit) { Notes = [note] };

        var calibration = ScenarioCalibration.Build(ScenarioParser.Parse("""{ "name": "t", "seeds": 1, "strategies": ["random"] }""", "t"), fit, stats, options);

        Assert.EndsWith($" Adjusted: {note}.", calibration.Scenario.Description, StringComparison.Ordinal);
    }

    /// <summary>A fit and log statistics that trigger exactly the named clamp (in the unit returned).</summary>
    private static (ForgettingFit Fit, LogStatistics Stats, string Unit) Case(string clamp)
    {
        var shape = clamp switch
        {
            "parameter-low" => new CurveShape(ForgettingCurve.Exponential, 2e-9, 0),
            "exponent-high" => new CurveShape(ForgettingCurve.PowerLaw, 2, 250),
            _ => new CurveShape(ForgettingCurve.Exponential, 4, 0),
        };
        var offset = clamp == "baseline" ? 100 : 0.1;
        var best = new FamilyFit(shape, offset, [], -100, 2);
        var fit = new ForgettingFit("test", [best], best, [], clamp == "heterogeneity" ? 3.5 : 0.5, shape);
        var stats = new LogStatistics(
            Rows: 1000,
            Engagements: 800,
            Users: clamp == "users" ? 50_000 : 100,
            Histories: 100,
            Topics: clamp == "topics" ? 3096 : 8,
            Duration: clamp switch { "ticks-cap" => 1_468_800, "ticks-least" => 0.2, _ => 17 },
            ActivityRate: clamp == "activity" ? 0.002 : 0.1,
            EngagementsPerUserPerUnit: 0.5,
            DriftHalves: double.NaN,
            DriftBaseline: double.NaN,
            DriftUsers: 0,
            Gaps: [1, 2, 3],
            TopicGaps: []);
        var unit = clamp switch { "ticks-cap" => "seconds", "parameter-low" => "weeks", _ => "days" };
        return (fit, stats, unit);
    }
}
