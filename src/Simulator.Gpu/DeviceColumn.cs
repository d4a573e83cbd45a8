using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;

namespace Simulator.Gpu;

/// <summary>
/// A host array mirrored in device memory: the host-side owner of a <see cref="MemoryBuffer1D{T, TStride}"/>.
/// Kernels never see this class, only its <see cref="View"/> (a value type), which is the
/// host-owner / device-view split ILGPU's samples use.
/// </summary>
public sealed class DeviceColumn<T> : IColumn<T>
    where T : unmanaged
{
    private readonly IlgpuEngine engine;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> buffer;
    private bool disposed;

    internal DeviceColumn(IlgpuEngine engine, T[] host, MemoryBuffer1D<T, Stride1D.Dense> buffer)
    {
        this.engine = engine;
        Host = host;
        this.buffer = buffer;

        // Allocate1D does not zero memory; garbage NaNs have been seen, so clear before first use.
        buffer.View.MemSetToZero(engine.Stream);
    }

    public T[] Host { get; }

    public int Length => Host.Length;

    /// <summary>Bytes of device memory this column holds.</summary>
    public long DeviceBytes => buffer.LengthInBytes;

    /// <summary>The device view of exactly <see cref="Length"/> elements (the buffer may hold one spare element for empty columns).</summary>
    internal ArrayView<T> View => buffer.View.SubView(0, Length).AsContiguous();

    /// <summary>The whole buffer (at least one element), safe to pass to kernels even when empty.</summary>
    internal ArrayView<T> KernelView => buffer.View.AsContiguous();

    internal IlgpuEngine Owner => engine;

    public void Upload()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Length > 0)
        {
            buffer.View.SubView(0, Length).CopyFromCPU(engine.Stream, Host);
        }
    }

    public void Download()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Length > 0)
        {
            buffer.View.SubView(0, Length).CopyToCPU(engine.Stream, Host);

            // The host reads the array right after Download returns.
            engine.Stream.Synchronize();
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;

        // Disposing the engine disposed the accelerator, which already freed this buffer.
        if (!engine.IsDisposed)
        {
            engine.Release(buffer.LengthInBytes);
            buffer.Dispose();
        }
    }
}
