using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Simulator.Gpu;

/// <summary>
/// Owns one ILGPU <see cref="Context"/> and one <see cref="Accelerator"/> opened on it.
/// Kinds: "cuda" (first CUDA device), "opencl" (first OpenCL device), "ilgpu-cpu" (ILGPU's CPU
/// accelerator, a slow debugging simulator used for correctness tests).
/// </summary>
public sealed class IlgpuSession : IDisposable
{
    /// <summary>The kinds <see cref="Open"/> understands.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["cuda", "opencl", "ilgpu-cpu"];

    private IlgpuSession(string kind, Context context, Accelerator accelerator)
    {
        Kind = kind;
        Context = context;
        Accelerator = accelerator;
    }

    public string Kind { get; }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    /// <summary>
    /// Creates the context every session uses. EnableAlgorithms is required: without it MathF.Exp
    /// and friends compile on the CPU accelerator but not for CUDA.
    /// </summary>
    public static Context CreateContext() => Context.Create(b => b.Default().EnableAlgorithms());

    /// <summary>Maps a session kind to the ILGPU accelerator type; false for unknown kinds.</summary>
    public static bool TryMapKind(string kind, out AcceleratorType type)
    {
        switch (kind)
        {
            case "cuda":
                type = AcceleratorType.Cuda;
                return true;
            case "opencl":
                type = AcceleratorType.OpenCL;
                return true;
            case "ilgpu-cpu":
                type = AcceleratorType.CPU;
                return true;
            default:
                type = AcceleratorType.CPU;
                return false;
        }
    }

    /// <summary>Opens the first device of a kind; throws <see cref="InvalidOperationException"/> with the reason otherwise.</summary>
    public static IlgpuSession Open(string kind)
    {
        if (!TryMapKind(kind, out var type))
        {
            throw new ArgumentException($"Unknown ILGPU device kind '{kind}'; expected one of: {string.Join(", ", Kinds)}.", nameof(kind));
        }

        var context = CreateContext();
        try
        {
            var device = context.Devices.FirstOrDefault(d => d.AcceleratorType == type)
                ?? throw new InvalidOperationException($"No {kind} device is visible to ILGPU on this machine.");
            var accelerator = device.CreateAccelerator(context);
            return new IlgpuSession(kind, context, accelerator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens ILGPU's CPU accelerator with a chosen simulated shape, e.g. 64-thread groups, so tests
    /// can run kernels in the group sizes a GPU gets (the default CPU device allows 16).
    /// </summary>
    internal static IlgpuSession OpenCpu(int warpSize, int warpsPerMultiprocessor, int multiprocessors)
    {
        var device = new CPUDevice(warpSize, warpsPerMultiprocessor, multiprocessors);
        var context = Context.Create(b => b.CPU(device).EnableAlgorithms());
        try
        {
            return new IlgpuSession("ilgpu-cpu", context, device.CreateAccelerator(context));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
