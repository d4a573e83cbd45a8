using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;

namespace Simulator.Gpu;

// Split like CpuEngine: one file per operation (IlgpuEngine.Decay.cs, .Mlp.cs, .ScoreTopK.cs,
// .Choice.cs, .Reinforce.cs), device memory accounting in .Memory.cs, the launch helpers every
// operation shares in .Launch.cs and the copy bandwidth probe in .CopyBandwidth.cs.

/// <summary>
/// <see cref="IComputeEngine"/> on an ILGPU accelerator (CUDA, OpenCL or the CPU simulator).
/// Every operation launches one of our kernels (see the Kernels folder) on the accelerator's
/// default stream, so operations are asynchronous but ordered; <see cref="Synchronize"/> waits.
/// Columns must be bound to this engine (<see cref="Bind{T}"/>): operations read and write their
/// device copies, never the host arrays.
/// </summary>
public sealed partial class IlgpuEngine : IComputeEngine
{
    private readonly IlgpuSession session;

    // One spare element each: stands in for optional columns that are absent.
    private readonly MemoryBuffer1D<float, Stride1D.Dense> dummyFloat;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> dummyByte;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> dummyInt;
    private bool disposed;

    internal IlgpuEngine(IlgpuSession session)
    {
        this.session = session;
        var a = session.Accelerator;
        Info = new EngineInfo(session.Kind, a.Name, a.MemorySize, a.NumMultiprocessors);
        dummyFloat = a.Allocate1D<float>(1);
        dummyByte = a.Allocate1D<byte>(1);
        dummyInt = a.Allocate1D<int>(1);
        dummyFloat.MemSetToZero();
        dummyByte.MemSetToZero();
        dummyInt.MemSetToZero();
    }

    public EngineInfo Info { get; }

    /// <summary>The accelerator the kernels run on (for diagnostics and benchmarks).</summary>
    public Accelerator Accelerator => session.Accelerator;

    internal AcceleratorStream Stream => session.Accelerator.DefaultStream;

    /// <summary>True once the engine (and with it the accelerator and every buffer) is gone.</summary>
    internal bool IsDisposed => disposed;

    /// <summary>
    /// Allocates a device mirror of <paramref name="host"/> (zeroed, then filled with the host's
    /// current contents, so a freshly bound column matches its host array as on the CPU engines).
    /// Later host changes need <see cref="IColumn{T}.Upload"/>; device results need
    /// <see cref="IColumn{T}.Download"/>.
    /// </summary>
    public IColumn<T> Bind<T>(T[] host)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var length = Math.Max(1, host.Length);
        var bytes = (long)length * Unsafe.SizeOf<T>();
        var buffer = Allocate<T>(length, bytes, $"a column of {host.Length} {typeof(T).Name}");
        var column = new DeviceColumn<T>(this, host, buffer);
        column.Upload();
        return column;
    }

    public void Synchronize() => Accelerator.Synchronize();

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        scratchA?.Dispose();
        scratchB?.Dispose();
        itemTiles?.Dispose();
        biasTiles?.Dispose();
        itemRows?.Dispose();
        paddedBias?.Dispose();
        recurrentX?.Dispose();
        recurrentPre?.Dispose();
        recurrentCarried?.Dispose();
        attentionScratch?.Dispose();
        DisposePrefilterBuffers();
        dummyFloat.Dispose();
        dummyByte.Dispose();
        dummyInt.Dispose();
        session.Dispose();
    }
}
