using Simulator.Core.Compute;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Simulation;

/// <summary>The memory estimate covers what a seed's simulation really allocates, for every strategy, without wild overestimates.</summary>
public sealed class MemoryEstimateTests
{
    /// <summary>
    /// With <paramref name="sharedTickOutputs"/> (no tick observer: the worlds share their per-tick
    /// columns and scratch) against the estimate of a run without --export, which must not exceed
    /// the unshared one.
    /// </summary>
    [Theory]
    [MemberData(nameof(StrategiesWithAndWithoutSharing))]
    public void Estimate_covers_what_building_a_seed_allocates(string strategy, bool sharedTickOutputs)
    {
        var scenario = TestScenarios.Small(json => json
            .Replace("\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]", $"\"strategies\": [\"{strategy}\"]", StringComparison.Ordinal)
            .Replace("\"users\": 300", "\"users\": 4000", StringComparison.Ordinal));
        using var engine = new CpuEngine(1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };

        // Constructors run on this thread: what they allocate is the seed's resident state.
        var before = GC.GetAllocatedBytesForCurrentThread();
        using (new SimulationTick(scenario, engine, parallel, scenario.Seed, sharedTickOutputs: sharedTickOutputs))
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var estimate = MemoryEstimate.Bytes(scenario, sharedTickOutputs: sharedTickOutputs);
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

    public static TheoryData<string, bool> StrategiesWithAndWithoutSharing()
    {
        var data = new TheoryData<string, bool>();
        foreach (var descriptor in StrategyCatalog.All)
        {
            data.Add(descriptor.Name, false);
            data.Add(descriptor.Name, true);
        }

        return data;
    }
}
