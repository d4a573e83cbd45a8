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

    [Theory]
    [InlineData("population", "expected an object, found null")]
    [InlineData("forgetting", "expected an object, found null")]
    [InlineData("catalog", "expected an object, found null")]
    [InlineData("drift", "expected a drift process object or an array of 1 to 16 of them, found null")]
    [InlineData("choice", "expected an object, found null")]
    [InlineData("strategies", "expected a non-empty array of strategy names or objects, found null")]
    [InlineData("churn", "expected an object, found null")]
    [InlineData("metrics", "expected a non-empty array of metric names, found null")]
    [InlineData("sweep", "expected an object of parameter paths")]
    [InlineData("reference", "expected a string, found null")]
    [InlineData("name", "expected a string, found null")]
    [InlineData("seed", "expected an integer in [0, 18446744073709551615], found null")]
    public void Null_is_an_error_for_every_section_and_field_never_the_default(string field, string message)
    {
        var error = Single($"{{\n  \"ticks\": 5,\n  \"{field}\": null\n}}");
        Assert.Equal($"$.{field}", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("leave the field out for its default", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Null_inside_a_section_or_an_array_is_an_error()
    {
        Assert.Equal("$.population.users", Single("{\"population\": {\"users\": null}}").Path);
        Assert.Equal("$.forgetting.halfLife", Single("{\"forgetting\": {\"curve\": \"exponential\", \"halfLife\": null}}").Path);
        Assert.Equal("$.drift.events", Single("{\"drift\": {\"events\": null}}").Path);
        var item = Single("{\"strategies\": [\"ema\", null]}");
        Assert.Equal("$.strategies[1]", item.Path);
        Assert.DoesNotContain("leave the field out", item.Message, StringComparison.Ordinal);
        var name = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse("{\"strategies\": [{\"name\": null}]}", "x"));
        Assert.Equal("$.strategies[0].name", Assert.Single(name.Errors).Path);
        var segment = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse("{\"population\": {\"segments\": [null, {\"name\": null}]}}", "x"));
        Assert.Equal(["$.population.segments[0]", "$.population.segments[1].name"], segment.Errors.Select(x => x.Path));
    }

    [Fact]
    public void A_field_written_twice_is_refused_with_the_path_and_the_line_of_the_second()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse("{\n  \"ticks\": 5,\n  \"catalog\": {\n    \"items\": 50,\n    \"items\": 60\n  },\n  \"ticks\": 6\n}", "x"));
        Assert.Equal(["$.catalog.items", "$.ticks"], e.Errors.Select(x => x.Path));
        Assert.Equal([5, 7], e.Errors.Select(x => x.Line!.Value));
        Assert.Contains("appears twice in this object (first at line 4)", e.Errors[0].Message, StringComparison.Ordinal);

        // Names in different objects, or array items alike, are not repeats.
        ScenarioParser.Parse("{\"population\": {\"segments\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}, \"catalog\": {\"items\": 50}}", "x");
    }

    [Fact]
    public void Schema_field_is_a_string_at_the_root_only()
    {
        ScenarioParser.Parse("{\"$schema\": \"./schema.json\"}", "x");
        Assert.Equal("$.$schema", Single("{\"$schema\": 5}").Path);
        Assert.Equal("$.population.$schema", Single("{\"population\": {\"$schema\": \"./schema.json\"}}").Path);
    }

    [Fact]
    public void Whole_numbers_in_any_notation_are_integers_as_in_json_schema()
    {
        var s = ScenarioParser.Parse("{\"seed\": 4.2e1, \"ticks\": 4e1, \"drift\": {\"events\": [30.0, 1e1]}}", "x");
        Assert.Equal(42UL, s.Seed);
        Assert.Equal(40, s.Ticks);
        Assert.Equal([10, 30], s.Drift.EventTicks);
        Assert.Equal(ulong.MaxValue, ScenarioParser.Parse("{\"seed\": 18446744073709551615}", "x").Seed);
        Assert.Equal("$.seed", Single("{\"seed\": 18446744073709551616}").Path);
        Assert.Equal("$.seed", Single("{\"seed\": 4.5}").Path);
        Assert.Equal("$.drift.events[0]", Single("{\"drift\": {\"events\": [2.5]}}").Path);
    }

    [Fact]
    public void An_override_that_makes_a_value_in_the_file_invalid_is_named()
    {
        const string File = "{\n  \"slateSize\": 10,\n  \"catalog\": { \"items\": 50 }\n}";
        KeyValuePair<string, string>[] set = [new("catalog.items", "5"), new("seeds", "2")];
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(ScenarioOverrides.Apply(File, set), "x", File, set));
        var error = Assert.Single(e.Errors);
        Assert.Equal("$.slateSize", error.Path);
        Assert.Equal(2, error.Line);
        Assert.Equal("--set catalog.items=5", error.Origin);
        Assert.EndsWith("(because of --set catalog.items=5)", error.ToString(), StringComparison.Ordinal);

        // A problem the file has on its own keeps its line and names no override.
        const string Bad = "{\n  \"slateSize\": 60,\n  \"catalog\": { \"items\": 50 }\n}";
        var own = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(ScenarioOverrides.Apply(Bad, [set[1]]), "x", Bad, [set[1]])).Errors);
        Assert.Null(own.Origin);
    }

    [Fact]
    public void Overrides_on_a_file_with_a_repeated_field_report_the_repeat_instead_of_failing()
    {
        const string File = "{\n  \"ticks\": 5,\n  \"ticks\": 6\n}";
        KeyValuePair<string, string>[] set = [new("ticks", "7")];
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(ScenarioOverrides.Apply(File, set), "x", File, set));
        var error = Assert.Single(e.Errors);
        Assert.Equal(("$.ticks", 3, (string?)null), (error.Path, error.Line!.Value, error.Origin));

        var value = Assert.Throws<ScenarioException>(() => ScenarioOverrides.Apply("{}", [new("choice", "{\"temperature\": 1, \"temperature\": 2}")]));
        Assert.Equal("$.choice.temperature", Assert.Single(value.Errors).Path);
        Assert.Contains("--set choice=", value.Errors[0].Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_values_are_distinct_as_json_values_and_null_is_refused()
    {
        var twice = Single("{\"sweep\": {\"drift.rate\": [1, 0.5, 1.0]}}");
        Assert.Equal("$.sweep.drift.rate[2]", twice.Path);
        var nulled = Single("{\"sweep\": {\"drift.rate\": [0.5, null]}}");
        Assert.Equal("$.sweep.drift.rate[1]", nulled.Path);
        Assert.Contains("found null", nulled.Message, StringComparison.Ordinal);
    }
}
