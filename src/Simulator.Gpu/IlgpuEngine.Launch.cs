using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;

namespace Simulator.Gpu;

// What every operation's launcher shares: column-to-view checks and the grid-stride launch shape.
public sealed partial class IlgpuEngine
{
    /// <summary>The device view of a column bound to this engine, checked for length.</summary>
    private ArrayView<T> ViewOf<T>(IColumn<T> column, long minLength, string name)
        where T : unmanaged
    {
        if (column is not DeviceColumn<T> device || !ReferenceEquals(device.Owner, this))
        {
            throw new ArgumentException($"Column {name} is not bound to this ILGPU engine; create it with IlgpuEngine.Bind.", name);
        }

        if (device.Length < minLength)
        {
            throw new ArgumentException($"Column {name} has {device.Length} elements but the operation needs {minLength}.", name);
        }

        // Empty columns still pass a one-element buffer: kernels never read it, but a zero-length
        // view is not something every backend is happy to bind.
        return device.KernelView;
    }

    /// <summary>Launch shape of a grid-stride loop: enough groups to fill the device a few times over, no more.</summary>
    private KernelConfig StrideConfig(long elements)
    {
        var a = Accelerator;
        var group = Math.Min(256, a.MaxNumThreadsPerGroup);
        var perMultiprocessor = Math.Max(1, a.MaxNumThreadsPerMultiprocessor / group);
        var cap = (long)Math.Max(1, a.NumMultiprocessors) * perMultiprocessor * 4;
        var needed = Math.Max(1, (elements + group - 1) / group);
        var grid = (int)Math.Min(Math.Min(needed, cap), a.MaxGridSize.X);
        return new KernelConfig(grid, group);
    }
}
