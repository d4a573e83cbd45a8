using Simulator.Core.Scenarios;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>The user-side scenario fields: drift arrays, segments, churn, recovery; errors name their JSON paths.</summary>
public sealed class UserScenarioParsingTests
{
    private static ScenarioError OnlyError(string json) =>
        Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(json, "x")).Errors);

    [Fact]
    public void A_single_drift_object_and_an_array_both_parse_and_round_trip()
    {
        var single = ScenarioParser.Parse("""{ "drift": { "kind": "gradual", "midpoint": 20, "width": 8 } }""", "x");
        var process = Assert.Single(single.DriftProcesses);
        Assert.Equal(single.Drift, process);
        Assert.Equal((DriftKind.Gradual, 20f, 8f), (process.Kind, process.Midpoint, process.Width));
        Assert.Contains("\"drift\": {", ScenarioWriter.ToJson(single), StringComparison.Ordinal);

        var combined = ScenarioParser.Parse(
            """{ "ticks": 60, "drift": [{ "kind": "seasonal", "period": 12 }, { "kind": "abrupt", "events": [40, 10] }, { "kind": "abrupt", "events": [10, 30] }] }""", "x");
        Assert.Equal([DriftKind.Seasonal, DriftKind.Abrupt, DriftKind.Abrupt], combined.DriftProcesses.Select(d => d.Kind));
        Assert.Equal([10, 30, 40], combined.DriftEventTicks);
        // Replacing Drift (e.g. a sweep editing the scenario) replaces the first process and keeps the rest.
        var edited = combined with { Drift = combined.Drift with { Amplitude = 3f } };
        Assert.Equal(3f, edited.DriftProcesses[0].Amplitude);
        Assert.Equal(combined.DriftProcesses.Skip(1), edited.DriftProcesses.Skip(1));

        var written = ScenarioWriter.ToJson(combined);
        Assert.Contains("\"drift\": [", written, StringComparison.Ordinal);
        Assert.Equal(written, ScenarioWriter.ToJson(ScenarioParser.Parse(written, "x")));
    }

    [Fact]
    public void Errors_inside_a_drift_array_name_the_element()
    {
        Assert.Equal("$.drift[1].width", OnlyError("""{ "drift": [{ "kind": "gradual" }, { "kind": "seasonal", "width": 5 }] }""").Path);
        Assert.Equal("$.drift", OnlyError("""{ "drift": [] }""").Path);
        Assert.Equal("$.drift[0].period", OnlyError("""{ "drift": [{ "kind": "seasonal", "period": 1 }] }""").Path);
        Assert.Equal("$.drift[0].events[0]", OnlyError("""{ "ticks": 10, "drift": [{ "kind": "abrupt", "events": [10] }] }""").Path);
    }

    [Fact]
    public void Segments_churn_and_recovery_parse_with_defaults_and_checked_bounds()
    {
        var s = ScenarioParser.Parse(
            """
            {
              "population": { "activitySpread": 0.2, "segments": [{ "name": "loyal", "weight": 3, "forgettingSpeed": 0.5 }, { "name": "explorer" }] },
              "forgetting": { "recoveryRate": 0.05 },
              "churn": { "threshold": 0.2, "patience": 4 }
            }
            """,
            "x");
        Assert.Equal(0.2f, s.Population.ActivitySpread);
        Assert.Equal(new SegmentSpec("loyal", 3, 1, 0.5f, 1, 1), s.Population.Segments[0]);
        Assert.Equal(new SegmentSpec("explorer", 1, 1, 1, 1, 1), s.Population.Segments[1]);
        Assert.Equal((0.05f, 0.5f), (s.Forgetting.RecoveryRate, s.Forgetting.RecoveryFraction));
        Assert.Equal(new ChurnSpec(0.2f, 4, 0.2f, 0.05f), s.Churn);
        Assert.True(s.Churn.Enabled);
        Assert.False(ScenarioParser.Parse("{}", "x").Churn.Enabled);

        Assert.Equal("$.population.segments[0].name", OnlyError("""{ "population": { "segments": [{ "weight": 2 }] } }""").Path);
        Assert.Equal("$.population.segments[1].name", OnlyError("""{ "population": { "segments": [{ "name": "a" }, { "name": "a" }] } }""").Path);
        Assert.Equal("$.population.segments[0].weight", OnlyError("""{ "population": { "segments": [{ "name": "a", "weight": 0 }] } }""").Path);
        Assert.Equal("$.churn.patience", OnlyError("""{ "churn": { "patience": 0 } }""").Path);
        Assert.Equal("$.churn.smoothing", OnlyError("""{ "churn": { "smoothing": 0 } }""").Path);
        Assert.Equal("$.forgetting.recoveryRate", OnlyError("""{ "forgetting": { "recoveryRate": 2 } }""").Path);
    }
}
