using Simulator.Core.Scenarios;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>Sweep grids: cells in grid order, any override path (strategy parameters too), round trip and precise errors.</summary>
public sealed class ScenarioSweepTests
{
    private const string Sweep = """
        {
          "name": "grid",
          "ticks": 4,
          "population": { "users": 50 },
          "forgetting": { "curve": "exponential", "halfLife": 8 },
          "strategies": ["random", { "name": "ema", "alpha": 0.3 }],
          "sweep": {
            "drift.rate": [0, 0.1],
            "forgetting.halfLife": [2, 8, 32],
            "strategies.ema.alpha": [0.5]
          }
        }
        """;

    [Fact]
    public void Cells_are_the_full_grid_first_axis_slowest_each_a_complete_scenario()
    {
        var scenario = ScenarioParser.Parse(Sweep, "grid");
        var cells = ScenarioSweep.Cells(scenario);
        Assert.Equal(6, cells.Count);
        Assert.Equal(["drift.rate=0, forgetting.halfLife=2, strategies.ema.alpha=0.5", "drift.rate=0, forgetting.halfLife=8, strategies.ema.alpha=0.5"],
            cells.Take(2).Select(c => c.Label));
        var last = cells[^1].Scenario;
        Assert.Equal(0.1f, last.Drift.Rate);
        Assert.Equal(32f, last.Forgetting.Parameter1);
        Assert.Equal(0.5, last.Strategies[1]["alpha"]);
        Assert.Empty(last.Sweep);
        Assert.Equal(0f, cells[0].Scenario.Drift.Rate);
        Assert.Equal("05_drift.rate=0.1_forgetting.halfLife=32_strategies.ema.alpha=0.5", cells[^1].FolderName);
    }

    [Fact]
    public void The_sweep_round_trips_through_the_writer()
    {
        var scenario = ScenarioParser.Parse(Sweep, "grid");
        var json = ScenarioWriter.ToJson(scenario);
        var again = ScenarioParser.Parse(json, "grid");
        Assert.Equal(json, ScenarioWriter.ToJson(again));
        Assert.Equal(["drift.rate", "forgetting.halfLife", "strategies.ema.alpha"], again.Sweep.Select(a => a.Path));
        Assert.Equal(["2", "8", "32"], again.Sweep[1].Values);
    }

    [Fact]
    public void Set_reaches_a_strategy_parameter_by_name()
    {
        var json = ScenarioOverrides.Apply(TestScenarios.SmallJson, [new("strategies.ema.alpha", "0.7")]);
        Assert.Equal(0.7, ScenarioParser.Parse(json, "small").Strategies.Single(s => s.Name == "ema")["alpha"]);
    }

    [Theory]
    [InlineData("\"drift.rat\": [0.01]", "$.sweep.drift.rat[0]", "unknown field", 3)]
    [InlineData("\"drift.rate\": []", "$.sweep.drift.rate", "non-empty array", 3)]
    [InlineData("\"drift.rate\": [0.1,\n \"fast\"]", "$.sweep.drift.rate[1]", "expected a number", 4)]
    [InlineData("\"strategies.emma.alpha\": [0.1]", "$.sweep.strategies.emma.alpha[0]", "did you mean \"ema\"", 3)]
    [InlineData("\"strategies.ema.alpha\": [1.5]", "$.sweep.strategies.ema.alpha[0]", "alpha", 3)]
    [InlineData("\"slateSize\": [5, 40], \"catalog.items\": [30, 60]", "$.sweep", "cell slateSize=40, catalog.items=30", 2)]
    public void Invalid_sweeps_name_the_path_the_line_and_the_problem(string axes, string path, string message, int line)
    {
        var json = "{ \"strategies\": [\"random\", \"ema\"], \"slateSize\": 5, \"catalog\": { \"items\": 60 },\n  \"sweep\": {\n" + axes + " } }";
        var errors = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(json, "bad")).Errors;
        var error = Assert.Single(errors, e => e.Path == path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
    }
}
