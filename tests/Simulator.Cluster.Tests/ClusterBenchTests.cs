using Simulator.Cluster.Bench;

namespace Simulator.Cluster.Tests;

/// <summary>The coordination bench places its shard grains over all silos and reports finite, positive figures.</summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class ClusterBenchTests(InMemoryClusterFixture fixture)
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Barrier_bench_spreads_eight_shards_over_three_silos_and_measures_every_tick()
    {
        var result = await ClusterBench.RunAsync(fixture.Cluster.Client, 3, shards: 8, ticks: 20, rawBytes: 1 << 20, plainBytes: 1 << 18);

        Assert.Equal(8, result.ShardSilos.Count);
        Assert.Equal(3, result.ShardSilos.Distinct().Count());
        Assert.NotEqual(result.TransferFrom, result.TransferTo);
        Assert.All(new[] { result.MedianMsPerTick, result.P90MsPerTick, result.RawMbPerSecond, result.PlainMbPerSecond }, v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.InRange(result.MinMsPerTick, 0, result.MedianMsPerTick);
        Assert.InRange(result.MedianMsPerTick, 0, result.P90MsPerTick);
        Assert.Equal(20, result.ExchangeRounds);
        Assert.True(double.IsFinite(result.ExchangeMedianMs) && result.ExchangeMedianMs > 0);
        Assert.InRange(result.ExchangeMedianMs, 0, result.ExchangeP90Ms);
    }
}
