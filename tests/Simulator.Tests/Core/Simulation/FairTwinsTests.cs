using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Simulation;

/// <summary>
/// The fairness rule of the time-blind twins: in a world where nothing drifts and nothing fades
/// (scenarios/no-forgetting.json), knowing time cannot help, so every time-blind twin does at
/// least as well as its time-aware strategy on ndcg@10 within the paired 95% interval. The
/// bundled file runs every pair the catalog ships; here with 300 users and 3 seeds (the training per tick does not depend on the user count; with 40 ticks instead of 100 the MLP pair breaks the rule: +0.036 [0.018, 0.054] at 500 users).
/// </summary>
public sealed class FairTwinsTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Without_drift_or_forgetting_no_time_aware_strategy_beats_its_twin()
    {
        var path = Path.Combine(TestScenarios.RepoRoot(), "scenarios", "no-forgetting.json");
        var text = File.ReadAllText(path);
        KeyValuePair<string, string>[] smaller = [new("population.users", "300"), new("seeds", "3")];
        var scenario = ScenarioParser.Parse(ScenarioOverrides.Apply(text, smaller), "no-forgetting", text, smaller);

        // The control covers every pair the catalog ships.
        var names = scenario.Strategies.Select(s => s.Name).ToHashSet();
        Assert.All(StrategyCatalog.TimeBlindTwins, pair => Assert.True(names.Contains(pair.Key) && names.Contains(pair.Value), $"{pair.Key} or its twin {pair.Value} missing"));

        using var engine = new CpuEngine(2);
        var run = SimulationRunner.Run(scenario, engine, new RunOptions { Threads = 2 });
        Assert.Equal(StrategyCatalog.TimeBlindTwins.Count, run.Twins.Select(t => t.Comparison.Strategy).Distinct().Count());
        foreach (var twin in run.Twins)
        {
            var edge = twin.Comparison;
            if (edge.Metric == "ndcg@10")
            {
                Assert.True(edge.CiLow <= 0, $"{edge.Strategy} beats its twin {twin.Twin} where time cannot help: {edge.MeanDiff:+0.0000;-0.0000} [{edge.CiLow:+0.0000;-0.0000}, {edge.CiHigh:+0.0000;-0.0000}]");
            }
        }
    }
}
