using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Simulator.Core.Compute;

/// <summary>
/// 2^x, log2(x) and 1/x on float vectors, small enough to inline into the CPU kernels' inner loops.
/// Why not <c>Vector512.Exp</c>: the runtime's version widens to double and is only inlined when
/// dynamic PGO has seen the call hot; before that (tier 0, OSR, or a run too short for tier-up)
/// the decay kernel ran at half speed, which is the "bimodal decay" the bench kept reporting.
/// Accuracy: 2^x within 2e-7 relative for x in [-126, 127] (degree-6 Taylor series of 2^f on
/// |f| &lt;= 1/2, remainder below (ln2/2)^7/7!); arguments beyond that range are clamped, so results
/// saturate at 2^-126 and 2^127 instead of becoming 0 or infinity. log2 within 1e-7 absolute for
/// normal positive x. Both are far inside the 2e-5 parity tolerance against the scalar reference.
/// </summary>
internal static class FastVectorMath
{
    private const float MinExponent = -126f;
    private const float MaxExponent = 127f;

    // ln(2)^i / i!: the Taylor coefficients of 2^f = e^(f ln 2).
    private const float C1 = 0.6931471806f;
    private const float C2 = 0.2402265070f;
    private const float C3 = 0.05550410866f;
    private const float C4 = 0.009618129108f;
    private const float C5 = 0.001333355815f;
    private const float C6 = 0.0001540353040f;

    private const float Log2E = 1.4426950409f;
    private const float Sqrt2 = 1.4142135624f;
    private const int MantissaMask = 0x007FFFFF;
    private const int ExponentOfOne = 0x3F800000;

    /// <summary>2^x: x = n + f with n an integer and |f| &lt;= 1/2; 2^n goes straight into the exponent bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp2(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(MinExponent)), Vector512.Create(MaxExponent));
        var n = Vector512.Round(x);
        var f = x - n;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(C6), f, Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(C1));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512<float>.One);
        if (Avx512F.IsSupported)
        {
            // vscalefps: p 2^n in one instruction instead of building 2^n in the exponent bits and multiplying.
            return Avx512F.Scale(p, n);
        }

        var twoToN = ((Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23).AsSingle();
        return p * twoToN;
    }

    /// <inheritdoc cref="Exp2(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp2(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(MinExponent)), Vector256.Create(MaxExponent));
        var n = Vector256.Round(x);
        var f = x - n;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(C6), f, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(C1));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256<float>.One);
        if (Avx512F.VL.IsSupported)
        {
            return Avx512F.VL.Scale(p, n);
        }

        var twoToN = ((Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23).AsSingle();
        return p * twoToN;
    }

    /// <summary>
    /// 1/x for positive normal x: the hardware's reciprocal estimate (14 bits with AVX-512) refined by one
    /// Newton step, r + r (1 - x r), to about 1e-7 relative; a vector division costs as much as a whole
    /// <see cref="Exp2(Vector512{float})"/>. Falls back to the division where the instruction is missing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Reciprocal(Vector512<float> x)
    {
        if (!Avx512F.IsSupported)
        {
            return Vector512<float>.One / x;
        }

        var r = Avx512F.Reciprocal14(x);
        return Vector512.FusedMultiplyAdd(r, Vector512.FusedMultiplyAdd(-x, r, Vector512<float>.One), r);
    }

    /// <summary>The Vector256 twin of <see cref="Reciprocal(Vector512{float})"/>; without AVX-512VL the estimate has 12 bits and the Newton step leaves about 2e-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Reciprocal(Vector256<float> x)
    {
        Vector256<float> r;
        if (Avx512F.VL.IsSupported)
        {
            r = Avx512F.VL.Reciprocal14(x);
        }
        else if (Avx.IsSupported)
        {
            r = Avx.Reciprocal(x);
        }
        else
        {
            return Vector256<float>.One / x;
        }

        return Vector256.FusedMultiplyAdd(r, Vector256.FusedMultiplyAdd(-x, r, Vector256<float>.One), r);
    }

    /// <summary>
    /// log2(x) for normal positive x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), and
    /// ln m = 2 atanh(t), t = (m - 1)/(m + 1), |t| &lt;= 0.172, summed to t^9.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log2(Vector512<float> x)
    {
        var bits = x.AsInt32();
        var exponent = Vector512.ConvertToSingle((bits >> 23) - Vector512.Create(127));
        var m = ((bits & Vector512.Create(MantissaMask)) | Vector512.Create(ExponentOfOne)).AsSingle();
        var large = Vector512.GreaterThan(m, Vector512.Create(Sqrt2));
        m = Vector512.ConditionalSelect(large, m * Vector512.Create(0.5f), m);
        exponent += Vector512.ConditionalSelect(large, Vector512<float>.One, Vector512<float>.Zero);
        var t = (m - Vector512<float>.One) / (m + Vector512<float>.One);
        var t2 = t * t;
        var s = Vector512.FusedMultiplyAdd(Vector512.Create(1f / 9f), t2, Vector512.Create(1f / 7f));
        s = Vector512.FusedMultiplyAdd(s, t2, Vector512.Create(1f / 5f));
        s = Vector512.FusedMultiplyAdd(s, t2, Vector512.Create(1f / 3f));
        s = Vector512.FusedMultiplyAdd(s, t2, Vector512<float>.One);
        return Vector512.FusedMultiplyAdd(t * s, Vector512.Create(2f * Log2E), exponent);
    }

    /// <inheritdoc cref="Log2(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log2(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var exponent = Vector256.ConvertToSingle((bits >> 23) - Vector256.Create(127));
        var m = ((bits & Vector256.Create(MantissaMask)) | Vector256.Create(ExponentOfOne)).AsSingle();
        var large = Vector256.GreaterThan(m, Vector256.Create(Sqrt2));
        m = Vector256.ConditionalSelect(large, m * Vector256.Create(0.5f), m);
        exponent += Vector256.ConditionalSelect(large, Vector256<float>.One, Vector256<float>.Zero);
        var t = (m - Vector256<float>.One) / (m + Vector256<float>.One);
        var t2 = t * t;
        var s = Vector256.FusedMultiplyAdd(Vector256.Create(1f / 9f), t2, Vector256.Create(1f / 7f));
        s = Vector256.FusedMultiplyAdd(s, t2, Vector256.Create(1f / 5f));
        s = Vector256.FusedMultiplyAdd(s, t2, Vector256.Create(1f / 3f));
        s = Vector256.FusedMultiplyAdd(s, t2, Vector256<float>.One);
        return Vector256.FusedMultiplyAdd(t * s, Vector256.Create(2f * Log2E), exponent);
    }

    /// <summary>
    /// cos(2 pi u) for any u: t = u - round(u) in [-1/2, 1/2]; by symmetry a = |t| folds to
    /// [0, 1/4] (cos(2 pi a) = -cos(2 pi (1/2 - a))), where the Taylor series in x = 2 pi a up to
    /// x^12 is within 7e-9 (the first omitted term, (pi/2)^14/14!). Result within 2e-7 absolute.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> CosTwoPi(Vector256<float> u)
    {
        var a = Vector256.Abs(u - Vector256.Round(u));
        var flip = Vector256.GreaterThan(a, Vector256.Create(0.25f));
        a = Vector256.ConditionalSelect(flip, Vector256.Create(0.5f) - a, a);
        var x = a * Vector256.Create(2f * MathF.PI);
        var x2 = x * x;
        var c = Vector256.FusedMultiplyAdd(Vector256.Create(1f / 479001600f), x2, Vector256.Create(-1f / 3628800f));
        c = Vector256.FusedMultiplyAdd(c, x2, Vector256.Create(1f / 40320f));
        c = Vector256.FusedMultiplyAdd(c, x2, Vector256.Create(-1f / 720f));
        c = Vector256.FusedMultiplyAdd(c, x2, Vector256.Create(1f / 24f));
        c = Vector256.FusedMultiplyAdd(c, x2, Vector256.Create(-0.5f));
        c = Vector256.FusedMultiplyAdd(c, x2, Vector256<float>.One);
        return Vector256.ConditionalSelect(flip, -c, c);
    }
}
