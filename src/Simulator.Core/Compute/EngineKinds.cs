namespace Simulator.Core.Compute;

/// <summary>The engine kinds a run or bench can ask for (--device and the experiment files' "device").</summary>
public static class EngineKinds
{
    public static IReadOnlyList<string> All { get; } = ["auto", "cpu", "cuda", "opencl", "ilgpu-cpu", "reference"];
}
