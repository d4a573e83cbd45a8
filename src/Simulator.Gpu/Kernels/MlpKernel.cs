using ILGPU;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of one dense layer.</summary>
internal struct MlpLayerViews
{
    public ArrayView<float> Input;
    public ArrayView<float> Weights;
    public ArrayView<float> Bias;
    public ArrayView<float> Output;
}

/// <summary>Shape of one dense layer over a batch.</summary>
internal struct MlpLayerScalars
{
    public int Users;
    public int In;
    public int Out;
    public Activation Activation;
}

/// <summary>
/// One dense layer y = act(x W + b) over a batch, one thread per output element (user, o) in a
/// grid-stride loop. Neighbouring threads share the user (its inputs are a broadcast read) and
/// read neighbouring weight columns (coalesced). Layers run as successive launches on one stream
/// through device scratch buffers. The sum starts at the bias and adds inputs in ascending order,
/// as the reference does, so results are identical on the CPU accelerator.
/// </summary>
internal static class MlpKernel
{
    public static void Kernel(MlpLayerViews v, MlpLayerScalars s)
    {
        var total = (long)s.Users * s.Out;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            // 32-bit division when it fits: 64-bit division is emulated on GPUs.
            long u = e <= int.MaxValue ? (int)e / s.Out : e / s.Out;
            var o = (int)(e - (u * s.Out));
            var inRow = u * s.In;
            var sum = v.Bias[o];
            for (var i = 0; i < s.In; i++)
            {
                sum += v.Input[inRow + i] * v.Weights[((long)i * s.Out) + o];
            }

            v.Output[e] = MlpMath.Activate(s.Activation, sum);
        }
    }
}
