using Simulator.Core.Compute;

namespace Simulator.Cli.Infrastructure;

/// <summary>
/// Turns --device into a compute engine: auto picks CUDA when present, else the CPU engine.
/// A GPU that fails at start-up falls back to the CPU engine with a warning, never a crash.
/// </summary>
public static class EngineSelector
{
    public static IReadOnlyList<string> Devices => EngineKinds.All;

    public static IComputeEngine Create(string device, int? threads, TextWriter warnings)
    {
        switch (device)
        {
            case "cpu":
                return new CpuEngine(HostMachine.Threads(threads), Environment.ProcessorCount);
            case "reference":
                return new ReferenceEngine();
            default:
                return CreateIlgpu(device, threads, warnings);
        }
    }

    private static IComputeEngine CreateIlgpu(string device, int? threads, TextWriter warnings)
    {
        var kind = device == "auto" ? "cuda" : device;
        if (Gpu.IlgpuEngineFactory.TryCreate(kind, out var engine, out var error))
        {
            return engine!;
        }

        if (device != "auto")
        {
            warnings.WriteLine($"warning: --device {device} is not available ({error}); falling back to the CPU engine");
        }

        return new CpuEngine(HostMachine.Threads(threads), Environment.ProcessorCount);
    }
}
