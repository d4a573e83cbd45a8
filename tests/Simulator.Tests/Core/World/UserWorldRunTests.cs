using System.Text.Json;
using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.World;

/// <summary>Whole runs exercising the user side: abrupt shifts that matter, churn per world, determinism with every user feature on.</summary>
public sealed class UserWorldRunTests
{
    private static Scenario FromFile(string name) =>
        ScenarioParser.Parse(File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", name)), Path.GetFileNameWithoutExtension(name));

    /// <summary>
    /// scenarios/abrupt-shift.json (at 600 users, one seed): the population-wide switch brings new
    /// interests in fresh, so the frozen oracle and a slow strategy (sliding window of 50 clicks)
    /// lose NDCG right after the event, and the frozen oracle never gets back (right-censored).
    /// </summary>
    [Fact]
    public void Abrupt_shift_makes_frozen_and_slow_strategies_drop_and_the_frozen_oracle_never_recovers()
    {
        var file = FromFile("abrupt-shift.json");
        var keep = new[] { "oracle-frozen", "sliding-window", "oracle" };
        var scenario = file with
        {
            Population = file.Population with { Users = 600 },
            SeedCount = 1,
            Strategies = file.Strategies.Where(s => keep.Contains(s.Name)).ToArray(),
        };
        var shift = Assert.Single(scenario.DriftEventTicks);
        using var engine = new CpuEngine(2);
        var run = SimulationRunner.Run(scenario, engine, new RunOptions { Threads = 2 });
        var ndcg = run.MetricIndex(MetricCatalog.Ndcg(scenario.SlateSize));

        double Mean(string strategy, int from, int to) =>
            Enumerable.Range(from, to - from).Average(t => run.Series[run.StrategyIndex(strategy), 0, t, ndcg]);

        foreach (var strategy in new[] { "oracle-frozen", "sliding-window" })
        {
            var before = Mean(strategy, shift - 5, shift);
            var after = Mean(strategy, shift, shift + 5);
            Assert.True(after < before - 0.15, $"{strategy}: ndcg {before:F3} before the shift, {after:F3} after; expected a visible drop");
        }

        var frozen = Assert.Single(run.Recovery, r => r.Strategy == "oracle-frozen");
        Assert.Equal(0, frozen.Recovered);
        Assert.Equal(1, frozen.Censored);
        Assert.True(double.IsNaN(frozen.MedianTicksToRecover));
        Assert.True(Mean("oracle-frozen", scenario.Ticks - 10, scenario.Ticks) < 0.95 * Mean("oracle-frozen", shift - 5, shift));
        Assert.Equal(1.0, Mean("oracle", shift, scenario.Ticks), 9);
    }

    private const string EverythingJson = """
        {
          "seed": 3, "seeds": 1, "ticks": 10, "shards": 4, "slateSize": 5,
          "population": {
            "users": 400, "topics": 8, "activity": 0.7, "activitySpread": 0.5, "driftHeterogeneity": 0.5,
            "segments": [
              { "name": "binge-watcher", "weight": 1, "activity": 1.4, "forgettingSpeed": 0.5, "concentration": 2 },
              { "name": "explorer", "weight": 1, "driftRate": 3, "concentration": 0.5 },
              { "name": "loyal", "weight": 2, "driftRate": 0.2 }
            ]
          },
          "forgetting": { "curve": "power-law", "recoveryRate": 0.2 },
          "catalog": { "items": 60 },
          "drift": [
            { "kind": "abrupt", "rate": 0.1, "events": [5] },
            { "kind": "gradual", "midpoint": 5, "width": 3 },
            { "kind": "seasonal", "amplitude": 0.5, "period": 6 },
            { "kind": "ornstein-uhlenbeck", "sigma": 0.2 }
          ],
          "churn": { "threshold": 0.35, "patience": 2, "returnRate": 0.2 },
          "strategies": ["random", "ema", "oracle"]
        }
        """;

    [Fact]
    public void Runs_with_every_user_feature_are_identical_for_1_2_and_4_threads()
    {
        var scenario = ScenarioParser.Parse(EverythingJson, "everything");
        RunResult? first = null;
        foreach (var threads in new[] { 1, 2, 4 })
        {
            using var engine = new CpuEngine(threads);
            var run = SimulationRunner.Run(scenario, engine, new RunOptions { Threads = threads });
            first ??= run;
            for (var s = 0; s < run.Strategies.Count; s++)
            {
                for (var t = 0; t < run.Ticks; t++)
                {
                    for (var m = 0; m < run.Metrics.Count; m++)
                    {
                        Assert.Equal(first.Series[s, 0, t, m], run.Series[s, 0, t, m]);
                    }
                }
            }
        }

        Assert.True(first!.Summary["oracle"][MetricCatalog.ExpectedCtr].Mean > first.Summary["random"][MetricCatalog.ExpectedCtr].Mean);
    }

    /// <summary>
    /// The device path (ILGPU's CPU accelerator) with every user feature on: the host-side churn,
    /// fresh-concept and recovery stages download and upload the world columns they touch, so
    /// the run matches the CPU engine.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Every_user_feature_runs_the_same_on_the_ilgpu_cpu_accelerator()
    {
        var folder = Directory.CreateTempSubdirectory("simulator-users-").FullName;
        try
        {
            var path = Path.Combine(folder, "everything.json");
            File.WriteAllText(path, EverythingJson);
            string[] common = ["--quiet", "--ticks", "6", "--users", "120"];
            var summaries = new List<JsonDocument>();
            foreach (var device in new[] { "cpu", "ilgpu-cpu" })
            {
                using var stdout = new StringWriter();
                using var stderr = new StringWriter();
                var output = Path.Combine(folder, device);
                var code = Simulator.Cli.Cli.Run(["run", path, "--out", output, "--device", device, .. common], stdout, stderr, CancellationToken.None);
                Assert.True(code == 0, stderr.ToString());
                summaries.Add(JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))));
            }

            foreach (var strategy in summaries[0].RootElement.GetProperty("strategies").EnumerateObject())
            {
                foreach (var metric in strategy.Value.EnumerateObject())
                {
                    var expected = metric.Value.GetProperty("mean");
                    var actual = summaries[1].RootElement.GetProperty("strategies").GetProperty(strategy.Name).GetProperty(metric.Name).GetProperty("mean");
                    Assert.Equal(expected.ValueKind, actual.ValueKind);
                    if (expected.ValueKind == JsonValueKind.Number)
                    {
                        // Same tolerance as the CLI's engine comparison: float rounding of device transcendentals.
                        Assert.True(Math.Abs(expected.GetDouble() - actual.GetDouble()) < 1e-3, $"{strategy.Name} {metric.Name}: cpu {expected} vs ilgpu-cpu {actual}");
                    }
                }
            }

            summaries.ForEach(d => d.Dispose());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
