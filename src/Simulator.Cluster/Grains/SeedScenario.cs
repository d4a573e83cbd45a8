using Simulator.Core.Scenarios;

namespace Simulator.Cluster.Grains;

/// <summary>What every worker of one seed starts from: the scenario and its one-seed copy.</summary>
internal static class SeedScenario
{
    /// <summary>
    /// The scenario and its copy holding only seed <paramref name="seedIndex"/> (same seed value, so the
    /// same keyed noise as in a local run).
    /// </summary>
    public static (Scenario Whole, Scenario Single) Parse(string scenarioJson, int seedIndex)
    {
        var scenario = ScenarioParser.Parse(scenarioJson, "cluster");
        if (seedIndex < 0 || seedIndex >= scenario.SeedCount)
        {
            throw new ArgumentOutOfRangeException(nameof(seedIndex), $"seed index {seedIndex} is outside 0..{scenario.SeedCount - 1}");
        }

        return (scenario, Single(scenario, seedIndex));
    }

    public static Scenario Single(Scenario scenario, int seedIndex) => scenario with { Seed = scenario.Seeds[seedIndex], SeedCount = 1 };
}
