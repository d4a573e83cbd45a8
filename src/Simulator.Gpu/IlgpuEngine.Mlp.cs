using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    /// <summary>Widest MLP layer accepted (the device scratch is sized by the widest layer).</summary>
    public const int MaxMlpWidth = 256;

    private Action<KernelConfig, MlpLayerViews, MlpLayerScalars>? mlp;
    private Action<KernelConfig, MlpLayerViews, MlpLayerScalars>? mlpTiled;

    // Hidden activations between layers, alternating A, B, A...; grown, never shrunk.
    private MemoryBuffer1D<float, Stride1D.Dense>? scratchA;
    private MemoryBuffer1D<float, Stride1D.Dense>? scratchB;

    /// <summary>Device scratch bytes MlpForward needs beyond its operands (hidden activations).</summary>
    public static long MlpScratchBytes(int users, IReadOnlyList<MlpLayer> layers)
    {
        if (layers.Count < 2)
        {
            return 0;
        }

        var maxHidden = 0;
        for (var l = 0; l < layers.Count - 1; l++)
        {
            maxHidden = Math.Max(maxHidden, layers[l].Out);
        }

        return (layers.Count > 2 ? 2L : 1L) * users * maxHidden * sizeof(float);
    }

    public void MlpForward(in MlpOperands op)
    {
        var layers = op.Layers;
        if (layers.Count == 0)
        {
            throw new ArgumentException("An MLP needs at least one layer.", nameof(op));
        }

        var maxWidth = 0;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer.In < 1 || layer.Out < 1 || layer.In > MaxMlpWidth || layer.Out > MaxMlpWidth)
            {
                throw new NotSupportedException($"MLP layer {l} is {layer.In}->{layer.Out}; the ILGPU engine supports widths 1..{MaxMlpWidth}.");
            }

            if (l > 0 && layers[l - 1].Out != layer.In)
            {
                throw new ArgumentException($"MLP layer {l} takes {layer.In} inputs but layer {l - 1} produces {layers[l - 1].Out}.", nameof(op));
            }

            if (l < layers.Count - 1)
            {
                maxWidth = Math.Max(maxWidth, layer.Out);
            }
        }

        if (op.Users == 0)
        {
            return;
        }

        var input = ViewOf(op.Input, (long)op.Users * layers[0].In, nameof(op.Input));
        var output = ViewOf(op.Output, (long)op.Users * layers[^1].Out, nameof(op.Output));
        if (layers.Count > 1)
        {
            // Two hidden buffers only when a hidden layer feeds another hidden layer.
            EnsureScratch((long)op.Users * maxWidth, layers.Count > 2);
        }

        mlp ??= Accelerator.LoadStreamKernel<MlpLayerViews, MlpLayerScalars>(MlpKernel.Kernel);
        var current = input;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var last = l == layers.Count - 1;
            var target = last ? output : (l % 2 == 0 ? scratchA! : scratchB!).View.AsContiguous();
            var views = new MlpLayerViews
            {
                Input = current,
                Weights = ViewOf(layer.Weights, (long)layer.In * layer.Out, $"Layers[{l}].Weights"),
                Bias = ViewOf(layer.Bias, layer.Out, $"Layers[{l}].Bias"),
                Output = target,
            };
            var scalars = new MlpLayerScalars { Users = op.Users, In = layer.In, Out = layer.Out, Activation = layer.Activation };
            if (MlpKernel.FitsTile(layer.In, layer.Out) && Accelerator.MaxNumThreadsPerGroup >= MlpKernel.TileUsers)
            {
                mlpTiled ??= Accelerator.LoadStreamKernel<MlpLayerViews, MlpLayerScalars>(MlpKernel.TiledKernel);
                var blocks = (int)Math.Min((op.Users + MlpKernel.TileUsers - 1) / MlpKernel.TileUsers, Accelerator.MaxGridSize.X);
                mlpTiled(new KernelConfig(blocks, MlpKernel.TileUsers), views, scalars);
            }
            else
            {
                mlp(StrideConfig((long)op.Users * layer.Out), views, scalars);
            }

            current = target;
        }
    }

    private void EnsureScratch(long floats, bool two)
    {
        var buffers = two ? 2 : 1;
        if (scratchA is not null && scratchA.Length >= floats && (!two || scratchB is not null))
        {
            return;
        }

        Free(ref scratchA);
        Free(ref scratchB);
        EnsureFits(buffers * floats * sizeof(float), $"the MLP's hidden activations ({buffers} x {floats} floats)");
        scratchA = Allocate<float>(floats, floats * sizeof(float), "MLP scratch");
        if (two)
        {
            scratchB = Allocate<float>(floats, floats * sizeof(float), "MLP scratch");
        }
    }
}
