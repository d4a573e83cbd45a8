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

    /// <summary>Users per group in <see cref="TiledKernel"/>; also its group size.</summary>
    public const int TileUsers = 64;

    /// <summary>Largest In x Out the tiled kernel keeps in shared memory (16 KB).</summary>
    public const int TileWeights = 4096;

    /// <summary>Largest input width of the tiled kernel (the input tile is In x 64 floats, 16 KB).</summary>
    public const int TileMaxIn = 64;

    /// <summary>True when a layer fits <see cref="TiledKernel"/>.</summary>
    public static bool FitsTile(int inputs, int outputs) =>
        inputs <= TileMaxIn && outputs % 8 == 0 && inputs * outputs <= TileWeights;

    /// <summary>
    /// The same layer for small layers (the canonical 32-64-32 model): a group of 64 threads
    /// stages the layer's weights and its 64 users' inputs (transposed, [i][user], so each read is
    /// conflict-free) in shared memory; each thread then computes its user's outputs eight at a
    /// time from one input read and two broadcast reads of four weights per step, instead of two
    /// global loads per multiply-add. The sum starts at the bias and adds inputs in ascending
    /// order, like the reference.
    /// </summary>
    public static void TiledKernel(MlpLayerViews v, MlpLayerScalars s)
    {
        // Allocated as Float4 so the four-float reads are 16-byte aligned.
        var weights4 = SharedMemory.Allocate<Float4>(TileWeights / 4);
        var weights = weights4.Cast<float>();
        var inputs = SharedMemory.Allocate<float>(TileMaxIn * TileUsers);
        var t = Group.IdxX;
        var weightCount = s.In * s.Out;
        for (var x = t; x < weightCount; x += TileUsers)
        {
            weights[x] = v.Weights[x];
        }

        for (var blockBase = (long)Grid.IdxX * TileUsers; blockBase < s.Users; blockBase += (long)Grid.DimX * TileUsers)
        {
            var count = (int)Math.Min(TileUsers, s.Users - blockBase);

            // Coalesced reads of the block's input rows, stored transposed.
            var n = count * s.In;
            for (var x = t; x < n; x += TileUsers)
            {
                var lu = x / s.In;
                var i = x - (lu * s.In);
                inputs[(i * TileUsers) + lu] = v.Input[((blockBase + lu) * s.In) + i];
            }

            Group.Barrier();
            if (t < count)
            {
                var outRow = (blockBase + t) * s.Out;
                for (var o = 0; o < s.Out; o += 8)
                {
                    float a0 = v.Bias[o], a1 = v.Bias[o + 1], a2 = v.Bias[o + 2], a3 = v.Bias[o + 3];
                    float a4 = v.Bias[o + 4], a5 = v.Bias[o + 5], a6 = v.Bias[o + 6], a7 = v.Bias[o + 7];
                    for (var i = 0; i < s.In; i++)
                    {
                        var x = inputs[(i * TileUsers) + t];
                        var w = weights4[((i * s.Out) + o) / 4];
                        var w2 = weights4[(((i * s.Out) + o) / 4) + 1];
                        a0 += x * w.X;
                        a1 += x * w.Y;
                        a2 += x * w.Z;
                        a3 += x * w.W;
                        a4 += x * w2.X;
                        a5 += x * w2.Y;
                        a6 += x * w2.Z;
                        a7 += x * w2.W;
                    }

                    v.Output[outRow + o] = MlpMath.Activate(s.Activation, a0);
                    v.Output[outRow + o + 1] = MlpMath.Activate(s.Activation, a1);
                    v.Output[outRow + o + 2] = MlpMath.Activate(s.Activation, a2);
                    v.Output[outRow + o + 3] = MlpMath.Activate(s.Activation, a3);
                    v.Output[outRow + o + 4] = MlpMath.Activate(s.Activation, a4);
                    v.Output[outRow + o + 5] = MlpMath.Activate(s.Activation, a5);
                    v.Output[outRow + o + 6] = MlpMath.Activate(s.Activation, a6);
                    v.Output[outRow + o + 7] = MlpMath.Activate(s.Activation, a7);
                }
            }

            // The next block overwrites the input tile.
            Group.Barrier();
        }
    }
}
