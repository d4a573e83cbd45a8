using System.Runtime.InteropServices;
using Simulator.Core.Simulation;

namespace Simulator.Cli.Infrastructure;

/// <summary>
/// The facts about this machine that Core takes from its caller rather than reading them itself:
/// the processor count behind a default thread count, and the runtime and OS recorded in
/// environment.json (the clock is <see cref="TimeProvider.System"/>).
/// </summary>
public static class HostMachine
{
    /// <summary>The requested worker threads, or every logical processor when none (or fewer than 1) were requested.</summary>
    public static int Threads(int? requested) => requested is > 0 ? requested.Value : Environment.ProcessorCount;

    /// <summary>This process's runtime, OS and processor count.</summary>
    public static RunHost Describe() => new(RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription, Environment.ProcessorCount);

    /// <summary>What every local run needs from this machine: the thread count, its description and the system clock.</summary>
    public static RunOptions RunOptions(int? threads) => new()
    {
        Threads = Threads(threads),
        Host = Describe(),
        Clock = TimeProvider.System,
    };
}
