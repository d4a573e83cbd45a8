using ILGPU;

namespace Simulator.Gpu.Kernels;

/// <summary>
/// Device-to-device copy used by the bandwidth probe: a grid-stride loop of coalesced loads and
/// stores, i.e. the access pattern of the memory-bound operations (decay), not a DMA engine copy.
/// </summary>
internal static class CopyKernel
{
    public static void Kernel(ArrayView<float> source, ArrayView<float> target)
    {
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < target.Length; e += stride)
        {
            target[e] = source[e];
        }
    }
}
