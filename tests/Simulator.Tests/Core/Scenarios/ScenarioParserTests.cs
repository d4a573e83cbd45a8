using Simulator.Core.Compute.Operators;
using Simulator.Core.Scenarios;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>Scenario text -> Scenario: defaults, round trip, and precise errors.</summary>
public sealed class ScenarioParserTests
{
    private static ScenarioError Single(string json)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(json, "x"));
        Assert.NotEmpty(e.Errors);
        return e.Errors[0];
    }

    [Fact]
    public void Empty_object_gets_every_default()
    {
        var s = ScenarioParser.Parse("{}", "fallback");
        Assert.Equal("fallback", s.Name);
        Assert.Equal(3, s.SeedCount);
        Assert.Equal(ForgettingCurve.Sigmoid, s.Forgetting.Curve);
        Assert.Equal(Simulator.Core.Strategies.StrategyCatalog.All.Select(d => d.Name), s.Strategies.Select(x => x.Name));
        Assert.Equal("ema", s.Strategies[2].Name);
        Assert.Contains("ndcg@10", s.Metrics);
        Assert.Equal(0.3, s.Strategies[2]["alpha"], 10);
    }

    [Fact]
    public void Reference_defaults_to_the_first_strategy_and_round_trips_when_named()
    {
        Assert.Equal("random", ScenarioParser.Parse("{}", "x").Reference);
        Assert.Equal("oracle", ScenarioParser.Parse("{\"strategies\": [\"oracle\", \"ema\"]}", "x").Reference);
        var named = ScenarioParser.Parse("{\"strategies\": [\"random\", \"ema\"], \"reference\": \"ema\"}", "x");
        Assert.Equal("ema", named.Reference);
        Assert.Equal("ema", ScenarioParser.Parse(ScenarioWriter.ToJson(named), "x").Reference);
    }

    [Fact]
    public void Metrics_default_to_every_non_opt_in_metric_and_accept_opt_in_ones()
    {
        var s = ScenarioParser.Parse("{\"slateSize\": 5, \"catalog\": {\"items\": 50}}", "x");
        Assert.Equal(Simulator.Core.Metrics.MetricCatalog.Defaults(5), s.Metrics);
        Assert.DoesNotContain("ild", s.Metrics);
        var chosen = ScenarioParser.Parse("{\"metrics\": [\"ild\", \"recall@10\", \"mrr\"]}", "x");
        Assert.Equal(["recall@10", "mrr", "ild"], chosen.Metrics); // catalog order
    }

    [Fact]
    public void Resolved_scenario_round_trips()
    {
        var s = TestScenarios.Small();
        var json = ScenarioWriter.ToJson(s);
        var again = ScenarioParser.Parse(json, "other");
        Assert.Equal(json, ScenarioWriter.ToJson(again));
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        var s = ScenarioParser.Parse("{ // a comment\n \"ticks\": 5, /* more */ }", "x");
        Assert.Equal(5, s.Ticks);
    }

    [Theory]
    [InlineData("{\"population\": {\"users\": -5}}", "$.population.users", "[1, 100000000]")]
    [InlineData("{\"population\": {\"users\": \"many\"}}", "$.population.users", "the string \"many\"")]
    [InlineData("{\"ticks\": 2.5}", "$.ticks", "integer")]
    [InlineData("{\"forgetting\": {\"curve\": \"sigmoidal\"}}", "$.forgetting.curve", "did you mean \"sigmoid\"")]
    [InlineData("{\"forgetting\": {\"curve\": \"exponential\", \"halfLife\": -1}}", "$.forgetting.halfLife", "(0, 1000000]")]
    [InlineData("{\"strategies\": [\"oracel\"]}", "$.strategies[0]", "did you mean \"oracle\"")]
    [InlineData("{\"strategies\": [{\"name\": \"ema\", \"alpha\": 2}]}", "$.strategies[0].alpha", "[0, 1]")]
    [InlineData("{\"strategies\": [{\"name\": \"ema\", \"alfa\": 0.2}]}", "$.strategies[0].alfa", "did you mean \"alpha\"")]
    [InlineData("{\"strategies\": []}", "$.strategies", "non-empty")]
    [InlineData("{\"popluation\": {}}", "$.popluation", "did you mean \"population\"")]
    [InlineData("{\"slateSize\": 20, \"catalog\": {\"items\": 10}}", "$.slateSize", "larger than the catalog")]
    [InlineData("{\"drift\": {\"kind\": \"abrupt\", \"events\": [500]}, \"ticks\": 10}", "$.drift.events[0]", "[1, 9]")]
    [InlineData("{\"metrics\": [\"ndcg@5\"]}", "$.metrics[0]", "did you mean \"ndcg@10\"")]
    [InlineData("{\"strategies\": [\"random\", \"oracle\"], \"reference\": \"oracel\"}", "$.reference", "did you mean \"oracle\"")]
    [InlineData("{\"drift\": {\"kind\": \"stationary\", \"rate\": 0.1}}", "$.drift.rate", "does not apply to Stationary")]
    [InlineData("{\"forgetting\": {\"curve\": \"exponential\", \"midpoint\": 3}}", "$.forgetting.midpoint", "fields for Exponential: halfLife")]
    [InlineData("[1, 2]", "$", "expected an object")]
    [InlineData("{\"ticks\": ", "$", "not valid JSON")]
    [InlineData("{\"name\": \"../etc\"}", "$.name", "letters, digits")]
    public void Bad_input_names_the_path_and_what_was_expected(string json, string path, string expected)
    {
        var error = Single(json);
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse("{\"ticks\": 0, \"seeds\": 0, \"bogus\": 1}", "x"));
        Assert.Equal(3, e.Errors.Count);
    }

    [Fact]
    public void Overrides_set_nested_fields_and_are_validated()
    {
        var json = ScenarioOverrides.Apply("{\"population\": {\"users\": 10}}", [new("population.users", "25"), new("drift.kind", "\"stationary\"")]);
        var s = ScenarioParser.Parse(json, "x");
        Assert.Equal(25, s.Population.Users);
        Assert.Equal(Simulator.Core.Scenarios.DriftKind.Stationary, s.Drift.Kind);
        var bad = ScenarioOverrides.Apply("{}", [new("population.users", "-1")]);
        Assert.Equal("$.population.users", Single(bad).Path);
    }
}
