using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;

namespace Simulator.Cluster.Tests;

/// <summary>
/// Seeds split over shard grains (one per logical shard, spread over the three silos) give the
/// bytes of the local run with the same shard count: summary, metrics, exposure and example users.
/// </summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class ShardGrainRunTests(InMemoryClusterFixture fixture)
{
    // 8 shards of 301 users (37 or 38 each) over 3 silos; strategies that exchange item counts
    // (popularity, d-ts), a shared model (linucb) and per-user state (ema); social proof and
    // exposure metrics exchange counts too.
    private static Scenario Scenario(string strategies = "\"random\", \"popularity\", \"ema\", \"linucb\", \"d-ts\", \"oracle\"") => ScenarioParser.Parse(
        $$"""
        {
          "name": "cluster-shards",
          "seed": 13,
          "seeds": 2,
          "ticks": 6,
          "shards": 8,
          "slateSize": 5,
          "population": { "users": 301, "topics": 8, "activity": 0.9 },
          "catalog": { "items": 60, "socialProof": 0.2 },
          "drift": { "kind": "abrupt", "rate": 0.05, "events": [2] },
          "metrics": ["expected_ctr", "ndcg@5", "coverage", "gini", "novelty", "tracking_error"],
          "strategies": [{{strategies}}]
        }
        """,
        "cluster-shards");

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Shard_grains_give_the_local_runs_bytes_and_spread_over_all_silos()
    {
        var scenario = Scenario();
        using var engine = new CpuEngine(2);
        var local = SimulationRunner.Run(scenario, engine, new RunOptions());

        var cluster = await ClusterRunDriver.RunAsync(fixture.Cluster.Client, scenario, 3, TextWriter.Null, CancellationToken.None, shardGrains: true);

        SameRunFiles.Assert(local, cluster.Result);

        Assert.StartsWith("3 silos, 8 shard grains per seed: ", cluster.Result.Environment.DeviceName, StringComparison.Ordinal);

        // Each seed: 8 shards, shard s on the (s mod 3)-th silo, so 3, 3 and 2 shards per silo.
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress.Endpoint.ToString()).ToArray();
        foreach (var seed in cluster.Seeds)
        {
            Assert.Equal(8, seed.ShardSilos!.Count);
            var perSilo = seed.ShardSilos.Select(label => silos.Single(e => label.Contains(e, StringComparison.Ordinal)))
                .GroupBy(e => e).Select(g => g.Count()).Order().ToArray();
            Assert.Equal([2, 3, 3], perSilo);
        }
    }

    [Fact]
    public async Task A_strategy_that_cannot_run_on_shards_fails_the_seed_by_name()
    {
        var scenario = Scenario("\"ema\", \"itemknn-decay\"");
        var e = await Assert.ThrowsAsync<ClusterRunException>(
            () => ClusterRunDriver.RunAsync(fixture.Cluster.Client, scenario, 3, TextWriter.Null, CancellationToken.None, shardGrains: true));
        Assert.Contains("itemknn-decay", e.Message, StringComparison.Ordinal);
        Assert.Contains("shard", e.Message, StringComparison.Ordinal);
    }
}
