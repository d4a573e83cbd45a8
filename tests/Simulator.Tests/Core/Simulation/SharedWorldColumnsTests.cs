using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Simulation;

/// <summary>
/// Without a tick observer a seed's worlds share their per-tick outputs and the strategies share
/// their scratch; the metrics are the same bytes as with every world keeping its own, and the
/// memory estimate counts what the sharing allocates.
/// </summary>
public sealed class SharedWorldColumnsTests
{
    /// <summary>Every built-in strategy that predates the sequence models.</summary>
    private static readonly string[] Twenty =
    [
        "random", "popularity", "ema", "recent-popularity", "decay-history", "sliding-window", "actr", "d-ucb", "sw-ucb", "d-ts",
        "itemknn-decay", "mf", "mf-forgetting", "linucb", "mlp-forgetting", "mlp-global-alpha", "mlp-static", "oracle", "oracle-frozen", "oracle-lagged",
    ];

    private static Scenario Scenario(int users, params string[] strategies) => TestScenarios.Small(json => json
        .Replace("\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]", $"\"strategies\": [{string.Join(", ", strategies.Select(s => $"\"{s}\""))}]", StringComparison.Ordinal)
        .Replace("\"users\": 300", $"\"users\": {users}", StringComparison.Ordinal)
        .Replace("\"ticks\": 12", "\"ticks\": 8", StringComparison.Ordinal));

    [Fact]
    [Trait("Category", "Slow")]
    public void Shared_tick_outputs_and_scratch_give_the_same_metric_bytes_as_worlds_of_their_own()
    {
        var scenario = Scenario(2000, Twenty);
        using var engine = new CpuEngine(2);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        using var shared = new SimulationTick(scenario, engine, parallel, scenario.Seed, sharedTickOutputs: true);
        using var own = new SimulationTick(scenario, engine, parallel, scenario.Seed, sharedTickOutputs: false);
        for (var t = 0; t < scenario.Ticks; t++)
        {
            Assert.Equal(Bytes(own.Step(t)), Bytes(shared.Step(t)));
        }
    }

    [Fact]
    public void Worlds_share_their_per_tick_columns_only_without_an_observer()
    {
        var scenario = Scenario(300, "ema", "mlp-forgetting");
        using var engine = new CpuEngine(1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        using var shared = new SimulationTick(scenario, engine, parallel, scenario.Seed, sharedTickOutputs: true);
        using var own = new SimulationTick(scenario, engine, parallel, scenario.Seed, sharedTickOutputs: false);
        var (a, b) = (shared.WorldStateOf(0), shared.WorldStateOf(1));
        Assert.Same(a.Interest, b.Interest);
        Assert.Same(a.IdealSlates, b.IdealSlates);
        Assert.Same(a.ChosenPosition, b.ChosenPosition);
        Assert.Same(a.Dwell, b.Dwell);
        Assert.Same(a.Probabilities, b.Probabilities);
        Assert.Same(a.Slates, b.Slates);
        Assert.NotSame(a.Peak, b.Peak);
        Assert.NotSame(a.LastEngaged, b.LastEngaged);
        Assert.NotSame(a.Active, b.Active);
        var (c, d) = (own.WorldStateOf(0), own.WorldStateOf(1));
        Assert.NotSame(c.Interest, d.Interest);
        Assert.NotSame(c.Slates, d.Slates);
        Assert.NotSame(c.ChosenPosition, d.ChosenPosition);
        Assert.Same(c.IdealScores, d.IdealScores);
        Assert.Throws<InvalidOperationException>(() => shared.TickView(0, 0));
    }

    [Fact]
    public void The_estimate_counts_each_shared_scratch_column_once()
    {
        var scenario = Scenario(300, Twenty);
        using var engine = new CpuEngine(1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        using var simulation = new SimulationTick(scenario, engine, parallel, scenario.Seed, sharedTickOutputs: true);
        var bound = simulation.Scratch.Bytes;
        var expected = scenario.Strategies.SelectMany(s => StrategyScratch.ColumnsOf(s.Name, scenario.Dim, scenario.SlateSize))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(x => x.BytesPerUser) * scenario.Population.Users, StringComparer.Ordinal);
        Assert.Equal(expected.OrderBy(x => x.Key, StringComparer.Ordinal), bound.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(bound.Values.Sum(), MemoryEstimate.ScratchBytesPerUser(scenario) * scenario.Population.Users);
    }

    [Fact]
    public void Worlds_keep_their_own_slates_when_a_strategy_is_not_built_in()
    {
        Assert.True(SimulationTick.SharesSlates(Scenario(300, Twenty)));
        var builtIn = Scenario(300, "ema", "random");
        var withPlugin = builtIn with { Strategies = [builtIn.Strategies[0], new StrategySpec("my-plugin", new Dictionary<string, double>())] };
        Assert.False(SimulationTick.SharesSlates(withPlugin));
        Assert.True(MemoryEstimate.WorldBytesPerUser(withPlugin, sharedTickOutputs: true) - MemoryEstimate.WorldBytesPerUser(builtIn, sharedTickOutputs: true) == 4L * builtIn.SlateSize);
    }

    private static byte[][] Bytes(MetricSums[] sums) => sums.Select(s =>
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            s.Write(w);
        }

        return stream.ToArray();
    }).ToArray();
}
