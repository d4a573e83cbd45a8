using Simulator.Core.Compute;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Simulation;

/// <summary>The memory estimate covers what a seed's simulation really allocates, for every strategy, without wild overestimates.</summary>
public sealed class MemoryEstimateTests
{
    [Theory]
    [MemberData(nameof(Strategies))]
    public void Estimate_covers_what_building_a_seed_allocates(string strategy)
    {
        var scenario = TestScenarios.Small(json => json
            .Replace("\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]", $"\"strategies\": [\"{strategy}\"]", StringComparison.Ordinal)
            .Replace("\"users\": 300", "\"users\": 4000", StringComparison.Ordinal));
        using var engine = new CpuEngine(1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };

        // Constructors run on this thread: what they allocate is the seed's resident state.
        var before = GC.GetAllocatedBytesForCurrentThread();
        using (new SimulationTick(scenario, engine, parallel, scenario.Seed))
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var estimate = MemoryEstimate.Bytes(scenario);
            Assert.True(estimate >= allocated, $"{strategy}: estimate {estimate} B < allocated {allocated} B");
            Assert.True(estimate <= (3 * allocated) + (1 << 20), $"{strategy}: estimate {estimate} B is far above the {allocated} B allocated");
        }
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Estimate_without_an_observer_covers_what_building_a_seed_allocates(string strategy)
    {
        var scenario = TestScenarios.Small(json => json
            .Replace("\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]", $"\"strategies\": [\"{strategy}\"]", StringComparison.Ordinal)
            .Replace("\"users\": 300", "\"users\": 4000", StringComparison.Ordinal));
        using var engine = new CpuEngine(1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        var before = GC.GetAllocatedBytesForCurrentThread();
        using (new SimulationTick(scenario, engine, parallel, scenario.Seed, sharedTickOutputs: true))
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var estimate = MemoryEstimate.Bytes(scenario, sharedTickOutputs: true);
            Assert.True(estimate >= allocated, $"{strategy}: estimate {estimate} B < allocated {allocated} B");
            Assert.True(estimate <= (3 * allocated) + (1 << 20), $"{strategy}: estimate {estimate} B is far above the {allocated} B allocated");
            Assert.True(estimate <= MemoryEstimate.Bytes(scenario), $"{strategy}: sharing the per-tick outputs costs more in the estimate");
        }
    }

    [Fact]
    public void Bytes_per_user_add_up_to_the_estimate_over_users()
    {
        // Doubling the users adds exactly the per-user bytes of the summary (times the headroom).
        var small = TestScenarios.Small(json => json.Replace("\"users\": 300", "\"users\": 10000", StringComparison.Ordinal));
        var large = TestScenarios.Small(json => json.Replace("\"users\": 300", "\"users\": 20000", StringComparison.Ordinal));
        var perUser = MemoryEstimate.PopulationBytesPerUser(small)
                      + (small.Strategies.Count * MemoryEstimate.WorldBytesPerUser(small))
                      + small.Strategies.Sum(x => MemoryEstimate.StrategyBytesPerUser(x, small.Dim, small.SlateSize, small.Catalog.Items));
        Assert.Equal(perUser * 10000 * 1.2, MemoryEstimate.Bytes(large) - MemoryEstimate.Bytes(small), 2.0);
        Assert.EndsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; {perUser:N0} in all"), MemoryEstimate.PerUserSummary(small), StringComparison.Ordinal);
    }

    public static TheoryData<string> Strategies() => [.. StrategyCatalog.All.Select(d => d.Name)];
}
