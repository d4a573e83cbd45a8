using Simulator.Core.Compute;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;
using Simulator.Tests.Core.Checkpoints;

namespace Simulator.Tests.Core.Simulation;

/// <summary>
/// A run split into one process per logical shard (here: one thread per shard, meeting at every
/// cross-user reduction) gives the bytes of the one-process run: series, exposure and example users.
/// </summary>
public sealed class OneShardPerProcessTests
{
    // Every strategy that runs on shards, with the world features that exchange state across
    // users: social proof (item clicks), satiation, churn, exposure metrics (coverage, gini, novelty).
    // 303 users over 4 shards: shard sizes (75, 76, 76, 76) are not multiples of any vector width.
    private const string Json = """
        {
          "name": "sharded",
          "seed": 5,
          "seeds": 2,
          "ticks": 10,
          "shards": 4,
          "slateSize": 5,
          "population": { "users": 303, "topics": 8, "activity": 0.8 },
          "forgetting": { "curve": "exponential", "halfLife": 4, "recoveryRate": 0.05, "recoveryFraction": 0.5 },
          "catalog": { "items": 70, "initialItems": 40, "arrivalRate": 3, "agingCurve": "exponential", "agingWeight": 1, "agingScale": 10, "socialProof": 0.2 },
          "choice": { "satiationWeight": 0.5, "satiationDecay": 0.7 },
          "churn": { "threshold": 0.3, "patience": 2, "returnRate": 0.3 },
          "drift": { "kind": "abrupt", "rate": 0.1, "events": [5] },
          "metrics": ["expected_ctr", "realised_ctr", "ndcg@5", "coverage", "gini", "novelty", "tracking_error"],
          "strategies": STRATEGIES
        }
        """;

    private static Scenario Scenario(IEnumerable<string> strategies) =>
        ScenarioParser.Parse(Json.Replace("STRATEGIES", "[" + string.Join(", ", strategies.Select(s => $"\"{s}\"")) + "]", StringComparison.Ordinal), "sharded");

    private static readonly string[] Shardable = StrategyCatalog.All.Where(d => d.RunsOnShards).Select(d => d.Name).ToArray();

    [Fact]
    public void Every_shardable_strategy_gives_the_one_process_bytes()
    {
        var scenario = Scenario(Shardable);
        var whole = SimulationRunner.Run(scenario, new CpuEngine(2), new RunOptions { Threads = 2 });
        var shards = RunSplit(scenario);

        foreach (var part in shards)
        {
            Assert.Equal(Bits(whole.Series), Bits(part.Series));
            Assert.NotNull(whole.ItemExposure);
            Assert.Equal(whole.ItemExposure!.Count, part.ItemExposure!.Count);
            for (var w = 0; w < whole.ItemExposure.Count; w++)
            {
                Assert.Equal(whole.ItemExposure[w], part.ItemExposure[w]);
            }
        }

        // Each example user is followed by the shard holding it; together they are the whole run's panel.
        var merged = shards.SelectMany(r => r.ExampleUsers).OrderBy(t => t.ForgettingTimeScale).ThenBy(t => t.User).ToArray();
        Assert.Equal(whole.ExampleUsers.Select(t => t.User), merged.Select(t => t.User));
        for (var i = 0; i < merged.Length; i++)
        {
            Assert.Equal(whole.ExampleUsers[i].Profile, merged[i].Profile);
            for (var s = 0; s < merged[i].Strategies.Count; s++)
            {
                Assert.Equal(whole.ExampleUsers[i].Strategies[s].Truth, merged[i].Strategies[s].Truth);
                Assert.Equal(whole.ExampleUsers[i].Strategies[s].Estimate, merged[i].Strategies[s].Estimate);
            }
        }
    }

    [Fact]
    public void Every_cross_user_reduction_is_one_exchange_and_shards_follow_only_their_users()
    {
        var scenario = Scenario(["popularity", "ema"]);
        var group = new ThreadShardPeers.Group(scenario.Shards);
        var peers = Enumerable.Range(0, scenario.Shards).Select(s => new ThreadShardPeers(s, group)).ToArray();
        var results = RunSplit(scenario, peers);

        // Per tick and seed: one for every world's score, popularity's clicks, social proof's clicks (one per world).
        Assert.All(peers, p => Assert.Equal(scenario.SeedCount * scenario.Ticks * 4, p.Rounds));

        // Shard s holds users [75.75 s, 75.75 (s + 1)): the example users each shard follows lie in its range.
        for (var s = 0; s < results.Length; s++)
        {
            var (first, end) = (s * 303 / 4, (s + 1) * 303 / 4);
            Assert.All(results[s].ExampleUsers, t => Assert.InRange(t.User, first, end - 1));
        }

        Assert.Equal(3, results.Sum(r => r.ExampleUsers.Count));
    }

    [Fact]
    public void Every_shard_resumed_from_its_own_checkpoint_finishes_with_the_one_process_bytes()
    {
        var scenario = Scenario(["popularity", "linucb", "ema"]) with { SeedCount = 1 };
        var whole = SimulationRunner.Run(scenario, new CpuEngine(2), new RunOptions { Threads = 2 });

        // Each shard saves its own users every 4 ticks; then all restart from their save at tick 4.
        var saves = Enumerable.Range(0, scenario.Shards).Select(_ => new MemoryCheckpoints()).ToArray();
        RunSplit(scenario, shard => new RunOptions { Threads = 1, CheckpointEvery = 4, Checkpoints = saves[shard] });
        Assert.All(saves, s => Assert.Equal([4, 8], s.Saved.Select(x => x.Position.NextTick)));
        var resumed = RunSplit(scenario, shard => new RunOptions { Threads = 1, Resume = saves[shard].Source(0) });

        Assert.All(resumed, r => Assert.Equal(Bits(whole.Series), Bits(r.Series)));
    }

    [Fact]
    public void A_strategy_that_cannot_run_on_shards_is_refused_by_name()
    {
        var scenario = Scenario(["ema", "mf"]);
        var peers = new ThreadShardPeers(0, new ThreadShardPeers.Group(1));
        var e = Assert.Throws<ArgumentException>(() => SimulationRunner.Run(scenario, new CpuEngine(2), new RunOptions { ShardPeers = peers }));
        Assert.Contains("mf", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ema", e.Message, StringComparison.Ordinal);
    }

    private static RunResult[] RunSplit(Scenario scenario, ThreadShardPeers[]? peers = null) =>
        RunSplit(scenario, _ => new RunOptions { Threads = 1 }, peers);

    /// <summary>One thread per shard, each with its options (by shard index) and its peers.</summary>
    private static RunResult[] RunSplit(Scenario scenario, Func<int, RunOptions> options, ThreadShardPeers[]? peers = null)
    {
        var group = new ThreadShardPeers.Group(scenario.Shards);
        peers ??= Enumerable.Range(0, scenario.Shards).Select(s => new ThreadShardPeers(s, group)).ToArray();
        var tasks = peers
            .Select(p => Task.Factory.StartNew(
                () => SimulationRunner.Run(scenario, new CpuEngine(2), options(p.Shard) with { ShardPeers = p }),
                TaskCreationOptions.LongRunning))
            .ToArray();
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromMinutes(2)), "a shard did not finish: a barrier was missed");
        return tasks.Select(t => t.Result).ToArray();
    }

    private static long[] Bits(MetricSeries series)
    {
        var bits = new List<long>();
        for (var w = 0; w < series.Strategies; w++)
        {
            for (var s = 0; s < series.Seeds; s++)
            {
                for (var t = 0; t < series.Ticks; t++)
                {
                    for (var m = 0; m < series.Metrics; m++)
                    {
                        bits.Add(BitConverter.DoubleToInt64Bits(series[w, s, t, m]));
                    }
                }
            }
        }

        return [.. bits];
    }
}
