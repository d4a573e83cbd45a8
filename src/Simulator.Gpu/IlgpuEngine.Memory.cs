using ILGPU;
using ILGPU.Runtime;

namespace Simulator.Gpu;

// Device memory accounting: every buffer the engine allocates (columns, operation scratch, the
// copy probe's buffers) is counted here, so a scenario too large for the device is refused with
// a readable message instead of failing inside the driver.
public sealed partial class IlgpuEngine
{
    // Device memory kept free for the runtime, kernels' local memory and the driver.
    private const double ReservedFraction = 0.05;

    private readonly Lock sync = new();
    private long allocatedBytes;

    /// <summary>Bytes of device memory currently held by this engine's columns and scratch.</summary>
    public long AllocatedBytes => Interlocked.Read(ref allocatedBytes);

    /// <summary>Device memory this engine may still allocate (total minus a reserve minus what it holds).</summary>
    public long AvailableBytes => (long)(Info.MemoryBytes * (1 - ReservedFraction)) - AllocatedBytes;

    /// <summary>Throws a readable <see cref="InvalidOperationException"/> when <paramref name="bytes"/> more would not fit.</summary>
    public void EnsureFits(long bytes, string what)
    {
        if (bytes > AvailableBytes)
        {
            throw new InvalidOperationException(
                $"Not enough device memory on {Info.DeviceName} for {what}: needs {Mib(bytes)} MiB, " +
                $"{Mib(Math.Max(0, AvailableBytes))} MiB available ({Mib(Info.MemoryBytes)} MiB total, {Mib(AllocatedBytes)} MiB in use).");
        }
    }

    internal void Release(long bytes) => Interlocked.Add(ref allocatedBytes, -bytes);

    private static long Mib(long bytes) => bytes / (1024 * 1024);

    private MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length, long bytes, string what)
        where T : unmanaged
    {
        lock (sync)
        {
            EnsureFits(bytes, what);
            MemoryBuffer1D<T, Stride1D.Dense> buffer;
            try
            {
                buffer = Accelerator.Allocate1D<T>(length);
            }
            catch (Exception ex) when (ex is not InvalidOperationException)
            {
                throw new InvalidOperationException($"Device allocation of {Mib(bytes)} MiB for {what} failed on {Info.DeviceName}: {ex.Message}", ex);
            }

            allocatedBytes += bytes;
            return buffer;
        }
    }

    private void Free<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer)
        where T : unmanaged
    {
        if (buffer is not null)
        {
            // Queued kernels may still read the old buffer.
            Accelerator.Synchronize();
            Release(buffer.LengthInBytes);
            buffer.Dispose();
            buffer = null;
        }
    }
}
