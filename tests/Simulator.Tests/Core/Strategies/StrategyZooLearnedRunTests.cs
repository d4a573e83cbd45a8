using Simulator.Core.Compute;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;
using Simulator.Core.Strategies.Learned;
using Simulator.Storage.RunFolders;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Strategies;

/// <summary>The learned strategies in whole runs: deterministic across thread counts, resumable from their state, parameter recovery reported.</summary>
public sealed class StrategyZooLearnedRunTests
{
    private static readonly string[] Learned = ["itemknn-decay", "mf", "mf-forgetting", "linucb", "mlp-forgetting", "mlp-global-alpha", "mlp-static"];

    [Fact]
    public void Learned_strategies_give_identical_results_and_parameter_recovery_whatever_the_thread_count()
    {
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(SummaryJson.Write(one), SummaryJson.Write(two));
        Assert.Equal(one.ParameterRecoveryPoints, two.ParameterRecoveryPoints);

        // Only mlp-forgetting fits a per-user rate: one Spearman per seed, and points for each seed.
        var recovery = Assert.Single(one.ParameterRecovery);
        Assert.Equal("mlp-forgetting", recovery.Strategy);
        Assert.Equal(one.Seeds.Count, recovery.PerSeed.Count);
        Assert.All(recovery.PerSeed, rho => Assert.InRange(rho, -1.0, 1.0));
        Assert.Equal(one.Seeds, one.ParameterRecoveryPoints.Select(p => p.Seed).Distinct());
        Assert.Contains("\"parameter_recovery\"", SummaryJson.Write(one), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_learned_strategy_resumes_from_its_exchanged_state_with_the_same_slates()
    {
        foreach (var name in Learned)
        {
            using var kit = new StrategyKit(3, 2, 2, [1f, 0f, 0f, 1f, 0.6f, 0.4f, 0.3f, 0.7f, 0.8f, 0.2f]);
            var descriptor = StrategyCatalog.Find(name)!;
            var spec = new Simulator.Core.Scenarios.StrategySpec(name, descriptor.Parameters.ToDictionary(p => p.Name, p => p.Default));
            using var first = descriptor.Create(kit.Context, spec);
            for (var t = 0; t < 8; t++)
            {
                var slates = kit.Recommend(first, t).SelectMany(s => s).ToArray();
                kit.Learn(first, t, slates, [t % 2, -1, (t + 1) % 2]);
            }

            var saved = new DictionaryExchange(restoring: false);
            ((Simulator.Core.Checkpoints.ICheckpointable)first).ExchangeState(saved);
            using var resumed = descriptor.Create(kit.Context, spec);
            var load = new DictionaryExchange(restoring: true);
            foreach (var (key, value) in saved.Entries)
            {
                load.Entries[key] = value;
            }

            ((Simulator.Core.Checkpoints.ICheckpointable)resumed).ExchangeState(load);
            for (var t = 8; t < 11; t++)
            {
                var expected = kit.Recommend(first, t);
                var actual = kit.Recommend(resumed, t);
                Assert.True(expected.Zip(actual).All(p => p.First.SequenceEqual(p.Second)), $"{name} diverges after resuming at tick {t}");
                var slates = expected.SelectMany(s => s).ToArray();
                kit.Learn(first, t, slates, [0, 1, -1]);
                kit.Learn(resumed, t, slates, [0, 1, -1]);
            }

            if (first is MlpInterestStrategy mlp)
            {
                Assert.Equal(mlp.InterestEstimate, ((MlpInterestStrategy)resumed).InterestEstimate);
            }
        }
    }

    private static Simulator.Core.Results.RunResult Run(int threads)
    {
        var list = string.Join(", ", Learned.Select(n => $"\"{n}\""));
        var scenario = TestScenarios.Small(json => json.Replace(
            "\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]", $"\"strategies\": [{list}]", StringComparison.Ordinal));
        using var engine = new CpuEngine(threads);
        return SimulationRunner.Run(scenario, engine, new RunOptions { Threads = threads });
    }
}
