using System.Globalization;
using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Storage.RunFolders;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Simulation;

/// <summary>
/// Every bundled scenario gives a byte-identical summary.json with score + top-k behind the int8
/// prefilter and on the fp32 path (small populations and few ticks, so each runs in seconds).
/// Scenarios that need a policy server, and the bench experiments, are left out.
/// </summary>
public sealed class PrefilterScenarioParityTests
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot(), "scenarios"), "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name is not ("schema.json" or "remote-ema.json") && !name.StartsWith("bench-", StringComparison.Ordinal))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Bundled_scenarios_give_the_same_summary_with_and_without_the_prefilter(string file)
    {
        var scenario = Shortened(file, users: 150, seeds: 2, ticks: 6);
        using var fp32 = new CpuEngine(2, prefilter: false);
        using var fast = new CpuEngine(2);
        var expected = SummaryJson.Write(SimulationRunner.Run(scenario, fp32, new RunOptions { Threads = 2 }));
        var actual = SummaryJson.Write(SimulationRunner.Run(scenario, fast, new RunOptions { Threads = 2 }));
        Assert.Equal(expected, actual);
        if (fast.ScorePath != "fp32" && scenario.Catalog.Items >= Math.Max(64, 8 * scenario.SlateSize))
        {
            Assert.True(fast.PrefilterPairs > 0, "the prefilter did not run");
        }
    }

    /// <summary>A bundled scenario with fewer users, seeds and ticks (drift events moved to half the run).</summary>
    internal static Scenario Shortened(string file, int users, int seeds, int ticks)
    {
        var text = File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", file));
        List<KeyValuePair<string, string>> smaller =
        [
            new("population.users", users.ToString(CultureInfo.InvariantCulture)),
            new("seeds", seeds.ToString(CultureInfo.InvariantCulture)),
            new("ticks", ticks.ToString(CultureInfo.InvariantCulture)),
        ];
        if (text.Contains("\"events\"", StringComparison.Ordinal))
        {
            // Population-wide drift events move inside the shortened run.
            smaller.Add(new("drift.events", $"[{ticks / 2}]"));
        }

        return ScenarioParser.Parse(ScenarioOverrides.Apply(text, smaller), Path.GetFileNameWithoutExtension(file), text, smaller);
    }
}
