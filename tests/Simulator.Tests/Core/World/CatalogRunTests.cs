using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Simulation.Stages;
using Simulator.Core.Strategies;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.World;

/// <summary>
/// Whole runs with every catalog and response feature on (arrivals, aging, social proof,
/// satiation): the oracle still ranks by the utility the choice model and metrics use, every
/// strategy recommends only live items, and results do not depend on thread count.
/// </summary>
public sealed class CatalogRunTests
{
    private const string Dynamic = """
        "catalog": { "items": 90, "initialItems": 25, "arrivalRate": 3, "agingCurve": "exponential",
                     "agingWeight": 1.5, "agingScale": 4, "socialProof": 0.3 },
        "choice": { "satiationWeight": 2, "satiationDecay": 0.7 },
        """;

    private static Scenario Scenario(string strategies, string features = Dynamic) => TestScenarios.Small(json => json
        .Replace("\"catalog\": { \"items\": 60 },", features, StringComparison.Ordinal)
        .Replace("\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]", $"\"strategies\": [{strategies}]", StringComparison.Ordinal));

    private static RunResult Run(Scenario scenario, int threads, IComputeEngine? engine = null)
    {
        using var own = engine is null ? new CpuEngine(threads) : null;
        return SimulationRunner.Run(scenario, engine ?? own!, new RunOptions { Threads = threads });
    }

    private static readonly string Four = "\"random\", \"popularity\", \"d-ucb\", \"oracle\"";

    [Fact]
    public void Oracle_keeps_ndcg_one_and_zero_regret_with_every_feature_on()
    {
        var run = Run(Scenario(Four), 2);
        var oracle = run.StrategyIndex("oracle");
        var ndcg = run.MetricIndex(MetricCatalog.Ndcg(5));
        var regret = run.MetricIndex(MetricCatalog.Regret);
        for (var s = 0; s < run.Seeds.Count; s++)
        {
            for (var t = 0; t < run.Ticks; t++)
            {
                Assert.Equal(1.0, run.Series[oracle, s, t, ndcg], 12);
                Assert.Equal(0.0, run.Series[oracle, s, t, regret], 12);
            }
        }

        Assert.True(run.Summary["random"]["ndcg@5"].Mean < 1.0);
    }

    /// <summary>Every strategy in the catalog runs with arrivals on; the live-item guard would stop the run on an unarrived item.</summary>
    [Fact]
    public void Every_strategy_recommends_only_live_items()
    {
        var all = string.Join(", ", StrategyCatalog.All.Select(d => $"\"{d.Name}\""));
        var run = Run(Scenario(all) with { SeedCount = 1 }, 2);
        Assert.Equal(StrategyCatalog.All.Count, run.Strategies.Count);
    }

    [Fact]
    public void Live_item_guard_names_the_strategy_item_and_tick()
    {
        var e = Assert.Throws<InvalidOperationException>(() => RecommendStage.CheckLiveItems([0, 1, 7, 2], [1, 1], 2, 5, "popularity", 3));
        Assert.Contains("strategy popularity recommended item 7 to user 1 at tick 3", e.Message, StringComparison.Ordinal);
        RecommendStage.CheckLiveItems([0, 1, 7, 2], [1, 0], 2, 5, "popularity", 3);
    }

    [Fact]
    public void Same_seed_gives_identical_series_whatever_the_thread_count_with_every_feature_on()
    {
        var scenario = Scenario(Four);
        var one = Run(scenario, 1);
        var four = Run(scenario, 4);
        for (var w = 0; w < one.Strategies.Count; w++)
        {
            for (var m = 0; m < one.Metrics.Count; m++)
            {
                for (var s = 0; s < one.Seeds.Count; s++)
                {
                    Assert.Equal(one.Series.Series(w, s, m), four.Series.Series(w, s, m));
                }
            }
        }
    }

    [Fact]
    public void Cpu_engine_run_matches_the_scalar_reference_engine_with_every_feature_on()
    {
        var scenario = Scenario(Four) with { SeedCount = 1 };
        var cpu = Run(scenario, 2);
        var reference = Run(scenario, 1, new ReferenceEngine());
        foreach (var strategy in cpu.Strategies)
        {
            foreach (var metric in cpu.Metrics)
            {
                Assert.Equal(reference.Summary[strategy][metric].Mean, cpu.Summary[strategy][metric].Mean, 2);
            }
        }
    }

    /// <summary>
    /// Each feature changes what users do (a feature wired to nothing would leave the series equal),
    /// and satiation, which only subtracts utility, lowers the expected CTR of a fixed-slate strategy.
    /// </summary>
    [Theory]
    [InlineData("\"catalog\": { \"items\": 60, \"initialItems\": 20, \"arrivalRate\": 2 },")]
    [InlineData("\"catalog\": { \"items\": 60, \"agingWeight\": 2, \"agingScale\": 3 },")]
    [InlineData("\"catalog\": { \"items\": 60, \"socialProof\": 0.5 },")]
    [InlineData("\"catalog\": { \"items\": 60 }, \"choice\": { \"satiationWeight\": 3 },")]
    public void Each_feature_changes_the_run(string features)
    {
        var off = Run(Scenario(Four, "\"catalog\": { \"items\": 60 },") with { SeedCount = 1 }, 2);
        var on = Run(Scenario(Four, features) with { SeedCount = 1 }, 2);
        var ctr = off.MetricIndex(MetricCatalog.ExpectedCtr);
        Assert.NotEqual(off.Series.Series(off.StrategyIndex("random"), 0, ctr), on.Series.Series(on.StrategyIndex("random"), 0, ctr));
        if (features.Contains("satiation", StringComparison.Ordinal))
        {
            Assert.True(on.Summary["popularity"][MetricCatalog.ExpectedCtr].Mean < off.Summary["popularity"][MetricCatalog.ExpectedCtr].Mean);
        }
    }
}
