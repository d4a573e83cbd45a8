using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

public sealed partial class CpuEngine
{
    private const int MlpChunkUsers = 64;

    /// <summary>
    /// MLP forward in chunks of users: each layer is a [chunk x In] x [In x Out] product on the
    /// 4 x 16 micro-kernel with bias and activation fused into the store. Hidden activations live
    /// in two per-chunk scratch buffers (chunk x widest layer), so memory stays bounded whatever N.
    /// </summary>
    public void MlpForward(in MlpOperands op)
    {
        if (!Vector256.IsHardwareAccelerated || op.Layers.Any(l => l.Out % 16 != 0))
        {
            // Widths that are not multiples of 16 take the scalar path; the canonical model (32-64-32) never does.
            _scalar.MlpForward(op);
            return;
        }

        var operands = op;
        var width = op.Layers.Max(l => Math.Max(l.In, l.Out));
        ForEachChunk(op.Users, MlpChunkUsers, (start, end) => MlpRows(operands, width, start, end));
    }

    private static unsafe void MlpRows(in MlpOperands op, int width, int start, int end)
    {
        var count = end - start;
        var scratchA = ThreadScratch<MlpHiddenA>.For(MlpChunkUsers * width);
        var scratchB = ThreadScratch<MlpHiddenB>.For(MlpChunkUsers * width);
        fixed (float* input = op.Input.Host)
        fixed (float* output = op.Output.Host)
        fixed (float* sa = scratchA)
        fixed (float* sb = scratchB)
        {
            var source = input + ((long)start * op.Layers[0].In);
            var spare = sa;
            for (var l = 0; l < op.Layers.Count; l++)
            {
                var layer = op.Layers[l];
                var last = l == op.Layers.Count - 1;
                var destination = last ? output + ((long)start * layer.Out) : spare;
                fixed (float* w = layer.Weights.Host)
                fixed (float* bias = layer.Bias.Host)
                {
                    DenseLayer(source, layer.In, w, bias, layer.Out, layer.Activation, destination, count);
                }

                source = destination;
                spare = destination == sa ? sb : sa;
            }
        }
    }

    private static unsafe void DenseLayer(float* x, int inDim, float* w, float* bias, int outDim, Activation activation, float* y, int rows)
    {
        var tile = stackalloc float[64];
        for (var r = 0; r < rows; r += 4)
        {
            var valid = Math.Min(4, rows - r);
            var a0 = x + ((long)r * inDim);
            var a1 = x + ((long)(r + Math.Min(1, valid - 1)) * inDim);
            var a2 = x + ((long)(r + Math.Min(2, valid - 1)) * inDim);
            var a3 = x + ((long)(r + Math.Min(3, valid - 1)) * inDim);
            var store = new DenseStore(bias, y, outDim, activation, r, valid);
            for (var column = 0; column < outDim; column += 16)
            {
                Tile4x16.Multiply(a0, a1, a2, a3, w + column, outDim, inDim, tile);
                for (var row = 0; row < valid; row++)
                {
                    store.Row(row, column, Vector256.Load(tile + (16 * row)), Vector256.Load(tile + (16 * row) + 8));
                }
            }
        }
    }

    /// <summary>Adds bias, applies the activation and stores the valid rows of a tile.</summary>
    private readonly unsafe struct DenseStore(float* bias, float* y, int outDim, Activation activation, int firstRow, int validRows)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(int row, int column, Vector256<float> low, Vector256<float> high)
        {
            if (row >= validRows)
            {
                return;
            }

            var target = y + ((long)(firstRow + row) * outDim) + column;
            Activate(low + Vector256.Load(bias + column)).Store(target);
            Activate(high + Vector256.Load(bias + column + 8)).Store(target + 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<float> Activate(Vector256<float> x)
        {
            switch (activation)
            {
                case Activation.Relu:
                    return Vector256.Max(x, Vector256<float>.Zero);
                case Activation.Sigmoid:
                    return DenseRows.Sigmoid(x);
                case Activation.Tanh:
                    return DenseRows.Tanh(x);
                default:
                    return x;
            }
        }
    }

    /// <summary>Tags of the two hidden-layer buffers.</summary>
    private readonly struct MlpHiddenA;

    private readonly struct MlpHiddenB;
}
