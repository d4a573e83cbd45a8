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

    public static TheoryData<string> Strategies() => [.. StrategyCatalog.All.Select(d => d.Name)];
}
