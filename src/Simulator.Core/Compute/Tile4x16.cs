using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Simulator.Core.Compute;

/// <summary>Receives one finished 4 x 16 tile of a product, one row (two 8-lane halves) at a time.</summary>
internal interface ITileEpilogue
{
    void Row(int row, int column, Vector256<float> low, Vector256<float> high);
}

/// <summary>
/// The register-blocked micro-kernel shared by scoring and the MLP: C[4 x 16] = A[4 x K] B[K x 16],
/// A given as four row pointers, B row-major with stride ldb (already offset to the tile's first
/// column). Eight accumulators stay in registers; per k it loads two B vectors and broadcasts four
/// A values, then issues eight FMAs, which keeps both FMA ports busy.
/// </summary>
internal static class Tile4x16
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Multiply<TEpilogue>(
        float* a0, float* a1, float* a2, float* a3, float* b, int ldb, int kCount, int column, ref TEpilogue epilogue)
        where TEpilogue : struct, ITileEpilogue
    {
        var c00 = Vector256<float>.Zero;
        var c01 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero;
        var c11 = Vector256<float>.Zero;
        var c20 = Vector256<float>.Zero;
        var c21 = Vector256<float>.Zero;
        var c30 = Vector256<float>.Zero;
        var c31 = Vector256<float>.Zero;
        for (var k = 0; k < kCount; k++)
        {
            var row = b + ((long)k * ldb);
            var b0 = Vector256.Load(row);
            var b1 = Vector256.Load(row + 8);
            var x = Vector256.Create(a0[k]);
            c00 = Fmadd(x, b0, c00);
            c01 = Fmadd(x, b1, c01);
            x = Vector256.Create(a1[k]);
            c10 = Fmadd(x, b0, c10);
            c11 = Fmadd(x, b1, c11);
            x = Vector256.Create(a2[k]);
            c20 = Fmadd(x, b0, c20);
            c21 = Fmadd(x, b1, c21);
            x = Vector256.Create(a3[k]);
            c30 = Fmadd(x, b0, c30);
            c31 = Fmadd(x, b1, c31);
        }

        epilogue.Row(0, column, c00, c01);
        epilogue.Row(1, column, c10, c11);
        epilogue.Row(2, column, c20, c21);
        epilogue.Row(3, column, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fmadd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
}
