using Simulator.Core.Compute;
using Simulator.Core.Results;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;
using Simulator.Storage.RunFolders;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Checkpoints;

/// <summary>
/// Resume from a checkpoint gives the uninterrupted run's results exactly, for every strategy in
/// the catalog (a strategy that forgets to exchange some state fails here), whatever the thread count.
/// </summary>
public sealed class CheckpointResumeTests
{
    /// <summary>Every catalog strategy (one with exploration slots), metrics that read cross-tick state (novelty), and drift that changes logits.</summary>
    private static Simulator.Core.Scenarios.Scenario Zoo() => TestScenarios.Small(json => json
        .Replace("\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]",
            $"\"strategies\": [{string.Join(", ", StrategyCatalog.All.Select(d => d.Name == "mlp-static" ? "{ \"name\": \"mlp-static\", \"explore\": 0.3 }" : $"\"{d.Name}\""))}]", StringComparison.Ordinal)
        .Replace("\"users\": 300", "\"users\": 120", StringComparison.Ordinal)
        .Replace("\"ticks\": 12", "\"ticks\": 10", StringComparison.Ordinal)
        .Replace("\"events\": [6]", "\"events\": [3, 7]", StringComparison.Ordinal));

    private static RunResult Run(Simulator.Core.Scenarios.Scenario scenario, int threads, RunOptions? extra = null)
    {
        using var engine = new CpuEngine(threads);
        return SimulationRunner.Run(scenario, engine, (extra ?? new RunOptions()) with { Threads = threads });
    }

    private static double[] Values(RunResult run)
    {
        var s = run.Series;
        var values = new List<double>();
        for (var w = 0; w < s.Strategies; w++)
        {
            for (var seed = 0; seed < s.Seeds; seed++)
            {
                for (var t = 0; t < s.Ticks; t++)
                {
                    for (var m = 0; m < s.Metrics; m++)
                    {
                        values.Add(s[w, seed, t, m]);
                    }
                }
            }
        }

        return values.ToArray();
    }

    [Fact]
    public void Resume_from_every_checkpoint_reproduces_the_uninterrupted_run_for_every_strategy()
    {
        var scenario = Zoo();
        var uninterrupted = Run(scenario, 1);
        var checkpoints = new MemoryCheckpoints();
        var checkpointed = Run(scenario, 2, new RunOptions { CheckpointEvery = 3, Checkpoints = checkpoints });
        Assert.Equal(Values(uninterrupted), Values(checkpointed));

        // Every 3 ticks of each of the 2 seeds, never at a seed's end: ticks 3, 6, 9.
        Assert.Equal(
            [new(0, 3), new(0, 6), new(0, 9), new(1, 3), new(1, 6), new(1, 9)],
            checkpoints.Saved.Select(c => c.Position).ToArray());
        var expectedSummary = SummaryJson.Write(uninterrupted);
        for (var i = 0; i < checkpoints.Saved.Count; i++)
        {
            var resumed = Run(scenario, 1 + (i % 2), new RunOptions { Resume = checkpoints.Source(i) });
            Assert.Equal(Values(uninterrupted), Values(resumed));
            Assert.Equal(expectedSummary, SummaryJson.Write(resumed));
        }
    }

    /// <summary>Every world feature on (churn, satiation, arrivals, aging, social proof, combined drift, segments, recovery) and a forgetting fitter.</summary>
    private const string FullWorldJson = """
        {
          "name": "full-world",
          "seed": 11,
          "seeds": 2,
          "ticks": 10,
          "shards": 4,
          "slateSize": 4,
          "population": { "users": 150, "topics": 6, "activity": 0.9, "activitySpread": 0.3,
            "segments": [{ "name": "binge", "forgettingSpeed": 2 }, { "name": "loyal", "forgettingSpeed": 0.5 }] },
          "forgetting": { "curve": "exponential", "halfLife": 3, "recoveryRate": 0.1 },
          "catalog": { "items": 60, "initialItems": 30, "arrivalRate": 3, "agingWeight": 1, "socialProof": 0.2 },
          "drift": [{ "kind": "gradual", "midpoint": 5, "width": 4 }, { "kind": "seasonal", "period": 6 }, { "kind": "abrupt", "rate": 0.05, "events": [4] }],
          "churn": { "threshold": 0.05, "patience": 2, "returnRate": 0.3 },
          "choice": { "satiationWeight": 0.5 },
          "strategies": ["mlp-forgetting", "ema", "popularity", "itemknn-decay", "oracle"]
        }
        """;

    [Fact]
    public void Resume_with_every_world_feature_on_reproduces_every_run_file_including_earlier_seeds()
    {
        var scenario = Simulator.Core.Scenarios.ScenarioParser.Parse(FullWorldJson, "full-world");
        var uninterrupted = Run(scenario, 1);
        var checkpoints = new MemoryCheckpoints();
        Run(scenario, 2, new RunOptions { CheckpointEvery = 4, Checkpoints = checkpoints });
        Assert.NotNull(uninterrupted.ItemExposure);
        Assert.NotEmpty(uninterrupted.ExampleUsers);
        Assert.NotEmpty(uninterrupted.ParameterRecoveryPoints);
        for (var i = 0; i < checkpoints.Saved.Count; i++)
        {
            var resumed = Run(scenario, 2 - (i % 2), new RunOptions { Resume = checkpoints.Source(i) });
            Assert.Equal(Values(uninterrupted), Values(resumed));
            Assert.Equal(SummaryJson.Write(uninterrupted), SummaryJson.Write(resumed));
            Assert.Equal(ExampleUsersJson.Write(uninterrupted.ExampleUsers), ExampleUsersJson.Write(resumed.ExampleUsers));
            Assert.Equal(Csv(w => ExposureCsv.Write(uninterrupted.Strategies, uninterrupted.ItemExposure!, w)), Csv(w => ExposureCsv.Write(resumed.Strategies, resumed.ItemExposure!, w)));
            Assert.Equal(Csv(w => ParameterRecoveryCsv.Write(uninterrupted, w)), Csv(w => ParameterRecoveryCsv.Write(resumed, w)));
        }
    }

    private static string Csv(Action<TextWriter> write)
    {
        using var writer = new StringWriter();
        write(writer);
        return writer.ToString();
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Each_strategy_state_matters_so_the_resume_test_would_notice_it_missing()
    {
        var scenario = Zoo();
        var uninterrupted = Values(Run(scenario, 2));
        var checkpoints = new MemoryCheckpoints();
        Run(scenario, 2, new RunOptions { CheckpointEvery = 6, Checkpoints = checkpoints });
        var (position, entries) = checkpoints.Saved[0];
        var stateful = StrategyCatalog.All.Select(d => d.Name).Except(["random", "oracle"]).ToArray();
        foreach (var name in stateful)
        {
            var lost = new MemoryCheckpoints.Replay(position, entries, entry => entry.Contains($":{name}].strategy.", StringComparison.Ordinal));
            var resumed = Values(Run(scenario, 2, new RunOptions { Resume = lost }));
            Assert.False(uninterrupted.SequenceEqual(resumed), $"dropping {name}'s state changed nothing: the resume test could not catch it");
        }

        var withoutWorlds = new MemoryCheckpoints.Replay(position, entries, entry => entry.EndsWith("].peak", StringComparison.Ordinal));
        Assert.False(uninterrupted.SequenceEqual(Values(Run(scenario, 2, new RunOptions { Resume = withoutWorlds }))));
    }

    /// <summary>Cancels the run once a given tick has finished, as Ctrl-C would.</summary>
    private sealed class CancelAfter(int seed, int tick, CancellationTokenSource cancel) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.SeedIndex == seed && value.Tick == tick)
            {
                cancel.Cancel();
            }
        }
    }

    [Fact]
    public void Cancelling_saves_a_checkpoint_at_the_tick_boundary_and_resume_from_it_matches()
    {
        var scenario = Zoo();
        var uninterrupted = Run(scenario, 2);
        var checkpoints = new MemoryCheckpoints();
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Run(scenario, 2, new RunOptions
        {
            CheckpointEvery = 100,
            Checkpoints = checkpoints,
            Cancellation = cancel.Token,
            Progress = new CancelAfter(1, 4, cancel),
        }));

        // No periodic checkpoint in 10 ticks; the one saved on cancellation is where the run stopped.
        var (position, _) = Assert.Single(checkpoints.Saved);
        Assert.Equal(new(1, 5), position);
        var resumed = Run(scenario, 1, new RunOptions { Resume = checkpoints.Source(0) });
        Assert.Equal(Values(uninterrupted), Values(resumed));
    }
}
