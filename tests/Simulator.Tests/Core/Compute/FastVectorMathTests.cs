using System.Runtime.Intrinsics;
using Simulator.Core.Compute;

namespace Simulator.Tests.Core.Compute;

/// <summary>The decay kernel's own 2^x, log2(x) and 1/x against double-precision Math, on both vector widths.</summary>
public sealed class FastVectorMathTests
{
    /// <summary>Stated accuracy of <see cref="FastVectorMath.Exp2(Vector256{float})"/> (relative).</summary>
    private const double Exp2Tolerance = 3e-7;

    /// <summary>Stated accuracy of <see cref="FastVectorMath.Log2(Vector256{float})"/>: absolute near 1, relative to |log2 x| beyond (float resolution of the result).</summary>
    private const double Log2Tolerance = 2e-7;

    /// <summary>Stated accuracy of <see cref="FastVectorMath.Reciprocal(Vector256{float})"/> (relative).</summary>
    private const double ReciprocalTolerance = 3e-7;

    private static IEnumerable<float> Exp2Arguments()
    {
        for (var x = -126f; x <= 127f; x += 0.0371f)
        {
            yield return x;
        }

        // Around the rounding boundaries of n = round(x), where f reaches +-1/2.
        for (var n = -20; n <= 20; n++)
        {
            yield return n + 0.5f;
            yield return n - 0.5f;
            yield return MathF.BitDecrement(n + 0.5f);
        }
    }

    [Fact]
    public void Exp2_is_within_its_stated_relative_error()
    {
        var worst = 0.0;
        foreach (var x in Exp2Arguments())
        {
            var exact = Math.Pow(2, x);
            worst = Math.Max(worst, Math.Abs(FastVectorMath.Exp2(Vector256.Create(x)).GetElement(3) - exact) / exact);
            worst = Math.Max(worst, Math.Abs(FastVectorMath.Exp2(Vector512.Create(x)).GetElement(11) - exact) / exact);
        }

        Assert.True(worst <= Exp2Tolerance, $"worst relative error {worst:E3}");
    }

    [Theory]
    [InlineData(-1e6f, -126)]
    [InlineData(-200f, -126)]
    [InlineData(300f, 127)]
    [InlineData(float.MaxValue, 127)]
    public void Exp2_saturates_instead_of_overflowing(float x, int clampedExponent)
    {
        var expected = Math.Pow(2, clampedExponent);
        Assert.Equal(expected, FastVectorMath.Exp2(Vector256.Create(x)).GetElement(0), expected * 1e-6);
        Assert.Equal(expected, FastVectorMath.Exp2(Vector512.Create(x)).GetElement(0), expected * 1e-6);
    }

    [Fact]
    public void Log2_is_within_its_stated_error()
    {
        var worst = 0.0;
        for (var x = 1e-30f; x < 1e30f; x *= 1.0173f)
        {
            foreach (var v in new[] { x, MathF.Sqrt(2f) * x, MathF.BitIncrement(MathF.Sqrt(2f)) * x, 1f + (x * 1e-3f) })
            {
                var exact = Math.Log2(v);
                var scale = Math.Max(1.0, Math.Abs(exact));
                worst = Math.Max(worst, Math.Abs(FastVectorMath.Log2(Vector256.Create(v)).GetElement(5) - exact) / scale);
                worst = Math.Max(worst, Math.Abs(FastVectorMath.Log2(Vector512.Create(v)).GetElement(9) - exact) / scale);
            }
        }

        Assert.True(worst <= Log2Tolerance, $"worst absolute error {worst:E3}");
        Assert.Equal(0f, FastVectorMath.Log2(Vector256<float>.One).GetElement(0));
        Assert.Equal(10.0, FastVectorMath.Log2(Vector512.Create(1024f)).GetElement(0), 1e-6);
    }

    [Fact]
    public void Reciprocal_is_within_its_stated_relative_error()
    {
        // The sigmoid decay's divisor 1 + 2^y covers [1, 2^127]; the mantissa sweep checks every estimate interval.
        var worst = 0.0;
        for (var x = 1f; x < 1e38f; x *= 1.00731f)
        {
            var exact = 1.0 / x;
            worst = Math.Max(worst, Math.Abs(FastVectorMath.Reciprocal(Vector256.Create(x)).GetElement(2) - exact) / exact);
            worst = Math.Max(worst, Math.Abs(FastVectorMath.Reciprocal(Vector512.Create(x)).GetElement(13) - exact) / exact);
        }

        Assert.True(worst <= ReciprocalTolerance, $"worst relative error {worst:E3}");
        Assert.Equal(1f, FastVectorMath.Reciprocal(Vector512<float>.One).GetElement(0));
        Assert.Equal(0.25f, FastVectorMath.Reciprocal(Vector256.Create(4f)).GetElement(7));
    }
}
