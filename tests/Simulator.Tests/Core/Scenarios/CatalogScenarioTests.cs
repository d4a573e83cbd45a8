using Simulator.Core.Compute.Operators;
using Simulator.Core.Scenarios;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>The catalog-dynamics and satiation fields: defaults (all off), validation and round trip.</summary>
public sealed class CatalogScenarioTests
{
    [Fact]
    public void Catalog_dynamics_and_satiation_are_off_by_default()
    {
        var s = ScenarioParser.Parse("{}", "x");
        Assert.Equal(CatalogDynamicsSpec.Static, s.Catalog.Dynamics);
        Assert.Equal(s.Catalog.Items, s.Catalog.Dynamics.LiveAtStart(s.Catalog.Items));
        Assert.False(s.Catalog.Dynamics.ChangesUtility);
        Assert.False(s.Satiation.IsOn);
    }

    [Fact]
    public void Every_field_is_read_and_round_trips_through_the_writer()
    {
        const string json = """
            {
              "catalog": { "items": 80, "initialItems": 30, "arrivalRate": 2.5, "agingCurve": "power-law",
                           "agingWeight": 1.5, "agingScale": 7, "agingShape": 0.6, "socialProof": 0.3 },
              "choice": { "satiationWeight": 2, "satiationDecay": 0.75 }
            }
            """;
        var s = ScenarioParser.Parse(json, "x");
        Assert.Equal(new CatalogDynamicsSpec(30, 2.5f, ForgettingCurve.PowerLaw, 1.5f, 7f, 0.6f, 0.3f), s.Catalog.Dynamics);
        Assert.Equal(new SatiationSpec(2f, 0.75f), s.Satiation);
        var again = ScenarioParser.Parse(ScenarioWriter.ToJson(s), "x");
        Assert.Equal(s.Catalog.Dynamics, again.Catalog.Dynamics);
        Assert.Equal(s.Satiation, again.Satiation);
        Assert.Equal(ScenarioWriter.ToJson(s), ScenarioWriter.ToJson(again));
    }

    [Theory]
    [InlineData("{\"catalog\": {\"arrivalRate\": -1}}", "$.catalog.arrivalRate", "[0, 100000]")]
    [InlineData("{\"catalog\": {\"initialItems\": 4}}", "$.catalog.initialItems", "cannot fill a slate of 10")]
    [InlineData("{\"catalog\": {\"items\": 50, \"initialItems\": 60}}", "$.catalog.initialItems", "at most 50")]
    [InlineData("{\"catalog\": {\"initialItems\": -3}}", "$.catalog.initialItems", "[0, 10000000]")]
    [InlineData("{\"catalog\": {\"agingCurve\": \"powerlaw\"}}", "$.catalog.agingCurve", "did you mean \"power-law\"")]
    [InlineData("{\"catalog\": {\"agingScale\": 0}}", "$.catalog.agingScale", "(0, 1000000]")]
    [InlineData("{\"catalog\": {\"agingWeight\": -2}}", "$.catalog.agingWeight", "[0, 1000]")]
    [InlineData("{\"catalog\": {\"socialProof\": -0.1}}", "$.catalog.socialProof", "[0, 1000]")]
    [InlineData("{\"choice\": {\"satiationDecay\": 1.5}}", "$.choice.satiationDecay", "[0, 1]")]
    [InlineData("{\"choice\": {\"satiationWeight\": -1}}", "$.choice.satiationWeight", "[0, 1000]")]
    [InlineData("{\"catalog\": {\"arivalRate\": 2}}", "$.catalog.arivalRate", "did you mean \"arrivalRate\"")]
    public void Bad_values_name_the_path_and_what_was_expected(string json, string path, string expected)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(json, "x"));
        var error = Assert.Single(e.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
