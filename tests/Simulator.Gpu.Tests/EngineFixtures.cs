using Simulator.Gpu;

namespace Simulator.Gpu.Tests;

/// <summary>One ILGPU engine per test class; null (with the reason) when the device is absent.</summary>
public abstract class EngineFixture : IDisposable
{
    protected EngineFixture(string kind, IlgpuEngine engine)
    {
        Kind = kind;
        Engine = engine;
    }

    protected EngineFixture(string kind)
    {
        Kind = kind;
        if (IlgpuEngineFactory.TryCreate(kind, out var engine, out var error))
        {
            Engine = engine;
        }
        else
        {
            Reason = error;
        }
    }

    public string Kind { get; }

    public IlgpuEngine? Engine { get; }

    public string Reason { get; } = string.Empty;

    public void Dispose()
    {
        Engine?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The ILGPU CPU accelerator: always available, slow, used for parity at small sizes.</summary>
public sealed class CpuEngineFixture : EngineFixture
{
    public CpuEngineFixture()
        : base("ilgpu-cpu")
    {
    }
}

/// <summary>
/// The CPU accelerator shaped like a GPU's launch: 64-thread groups (16 warps of 4), so the
/// kernels run with the group sizes they get on CUDA (the default CPU device caps groups at 16).
/// </summary>
public sealed class WideCpuEngineFixture : EngineFixture
{
    public WideCpuEngineFixture()
        : base("ilgpu-cpu-wide", new IlgpuEngine(IlgpuSession.OpenCpu(4, 16, 1)))
    {
    }
}

/// <summary>The first CUDA device, when there is one.</summary>
public sealed class CudaEngineFixture : EngineFixture
{
    public CudaEngineFixture()
        : base("cuda")
    {
    }
}

/// <summary>
/// Every test that runs kernels on ILGPU's CPU accelerator belongs to this collection, so they
/// run one at a time: each accelerator simulates its threads with OS threads, and the test
/// machine has two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KernelCollection
{
    public const string Name = "Kernels";
}
