using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Simulator.Core.Compute;

/// <summary>
/// y = x W for a block of rows on the 4 x 16 micro-kernel (<see cref="Tile4x16"/>), with row strides
/// for each operand, so a layer can read and write columns of wider buffers (the sequence models'
/// stacked weights and token rows). The output width must be a multiple of 16.
/// </summary>
internal static class DenseRows
{
    /// <summary>
    /// y[r, 0..outDim) = x[r, 0..inDim) W for r &lt; rows. x: first input row, rows ldx floats apart;
    /// w: input-major weights already offset to the first output column, rows ldw apart; y: first
    /// output row, rows ldy apart (overwritten).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Multiply(float* x, int ldx, int rows, int inDim, float* w, int ldw, int outDim, float* y, int ldy)
    {
        var tile = stackalloc float[64];
        for (var r = 0; r < rows; r += 4)
        {
            // Missing rows of the last block repeat its last valid row; their results are not stored.
            var valid = Math.Min(4, rows - r);
            var a0 = x + ((long)r * ldx);
            var a1 = x + ((long)(r + Math.Min(1, valid - 1)) * ldx);
            var a2 = x + ((long)(r + Math.Min(2, valid - 1)) * ldx);
            var a3 = x + ((long)(r + Math.Min(3, valid - 1)) * ldx);
            for (var column = 0; column < outDim; column += 16)
            {
                Tile4x16.Multiply(a0, a1, a2, a3, w + column, ldw, inDim, tile);
                for (var row = 0; row < valid; row++)
                {
                    var target = y + ((long)(r + row) * ldy) + column;
                    Vector256.Load(tile + (16 * row)).Store(target);
                    Vector256.Load(tile + (16 * row) + 8).Store(target + 8);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary>tanh x = 2 sigmoid(2x) - 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var two = Vector256.Create(2f);
        return (two / (Vector256<float>.One + Vector256.Exp(-two * x))) - Vector256<float>.One;
    }
}
