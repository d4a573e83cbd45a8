using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Gpu;

namespace Simulator.Cli.Infrastructure;

/// <summary>
/// Refuses a scenario that would not fit, before anything is allocated: host memory before the
/// engine is created, device memory right after (an accelerator mirrors the bound columns).
/// The refusal is a <see cref="UsageException"/> (exit 2: the input asks for more than the
/// machine has) naming the estimate, the memory available and what to reduce.
/// </summary>
public static class MemoryGuard
{
    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>Host memory: the GC's limit (container or machine), or --memory-limit when smaller.</summary>
    public static long HostAvailable(int? limitMib)
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return limitMib is int mib ? Math.Min(available, mib * 1024L * 1024) : available;
    }

    /// <summary>Host memory; <paramref name="export"/>: a tick observer reads every world's outputs, so the worlds keep their own (the upper bound).</summary>
    public static void CheckHost(Scenario scenario, long availableBytes, bool export = true) =>
        Refuse(scenario, MemoryEstimate.Bytes(scenario, sharedTickOutputs: !export), availableBytes, "host memory");

    /// <summary>Device memory of an accelerator engine; CPU engines use host memory only, already checked.</summary>
    public static void CheckDevice(Scenario scenario, IComputeEngine engine)
    {
        if (engine is not IlgpuEngine gpu)
        {
            return;
        }

        var needed = MemoryEstimate.DeviceBytes(scenario) + IlgpuEngine.ScoreTopKScratchBytes(scenario.Catalog.Items, scenario.Dim);
        Refuse(scenario, needed, gpu.AvailableBytes, $"memory on {engine.Info.DeviceName}");
    }

    private static void Refuse(Scenario scenario, long needed, long available, string where)
    {
        if (needed > available)
        {
            throw new UsageException(
                $"scenario {scenario.Name} needs about {needed / GiB:F2} GiB of {where} " +
                $"({scenario.Population.Users} users x {scenario.Dim} topics x {scenario.Strategies.Count} strategies, {scenario.Catalog.Items} items), " +
                $"but only {Math.Max(0, available) / GiB:F2} GiB is available; nothing was allocated. " +
                "Reduce population.users, the number of strategies, topics or items " +
                $"({MemoryEstimate.PerUserSummary(scenario)}; 20% headroom on top)");
        }
    }
}
