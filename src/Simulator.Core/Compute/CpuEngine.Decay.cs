using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

public sealed partial class CpuEngine
{
    private const int DecayChunkUsers = 2048;
    private const int DecayStageUsers = 64;

    /// <summary>
    /// How far ahead of the row being computed its input lines are prefetched, in elements per
    /// column (2 KB of each input column). The columns live on 4 KB pages, where the hardware
    /// prefetchers stop: without a hint each of the three input streams stalls at every page
    /// boundary, and the memory system idles while the arithmetic waits for it.
    /// </summary>
    private const int DecayPrefetchElements = 512;

    /// <summary>Floats in a 64-byte cache line: one prefetch hint per line.</summary>
    private const int CacheLineFloats = 16;

    /// <summary>
    /// Forgetting: memory-bound (reads peak, lastEngaged and preference, writes the output).
    /// Rows are computed 64 users at a time into a small per-thread staging buffer that stays in
    /// L1, then streamed to the output with aligned non-temporal stores: the output lines are then
    /// never read for ownership, which was a third of the traffic. Each curve is rewritten as
    /// powers of two with per-user constants (see <see cref="DecayCoefficients"/>), so the inner
    /// loop is one integer subtraction, a conversion, an FMA and <see cref="FastVectorMath.Exp2(Vector512{float})"/>.
    /// Each row's inputs are prefetched a little ahead (<see cref="DecayPrefetchElements"/>), so
    /// the loads of later rows are in flight while this one is computed.
    /// Values do not depend on where the output happens to be aligned, nor on the thread count.
    /// </summary>
    public void Decay(in DecayOperands op)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            _scalar.Decay(op);
            return;
        }

        var operands = op;
        var wide = Vector512.IsHardwareAccelerated && Avx512F.IsSupported && op.Dim % Vector512<float>.Count == 0;
        // One specialised loop per curve and width: no branch and no other curve's code in the hot loop.
        Action<int, int> rows = (op.Curve, wide) switch
        {
            (ForgettingCurve.Exponential, true) => (start, end) => DecayRows512<ExponentialRetention>(operands, start, end),
            (ForgettingCurve.Sigmoid, true) => (start, end) => DecayRows512<SigmoidRetention>(operands, start, end),
            (_, true) => (start, end) => DecayRows512<PowerLawRetention>(operands, start, end),
            (ForgettingCurve.Exponential, false) => (start, end) => DecayRows256<ExponentialRetention>(operands, start, end),
            (ForgettingCurve.Sigmoid, false) => (start, end) => DecayRows256<SigmoidRetention>(operands, start, end),
            _ => (start, end) => DecayRows256<PowerLawRetention>(operands, start, end),
        };
        ForEachChunk(op.Users, DecayChunkUsers, rows);
    }

    // AggressiveOptimization: fully optimised from the first call, so a short run or the bench's
    // first repetitions never run a tier-0 or on-stack-replacement copy of the hot loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DecayRows512<TCurve>(in DecayOperands op, int start, int end)
        where TCurve : struct, IRetention
    {
        var d = op.Dim;
        var staging = ThreadScratch<DecayStage>.For(DecayStageUsers * d);
        var coefficients = stackalloc float[3 * DecayStageUsers];
        var vTick = Vector512.Create(op.Tick);
        var vBase = Vector512.Create(op.Baseline);
        var elements = (long)op.Users * d;
        fixed (float* peak = op.Peak.Host)
        fixed (int* last = op.LastEngaged.Host)
        fixed (float* pref = op.Preference?.Host)
        fixed (float* output = op.Output.Host)
        fixed (float* stage = staging)
        fixed (float* p1 = op.CurveP1.Host)
        fixed (float* p2 = op.CurveP2.Host)
        {
            for (var first = start; first < end; first += DecayStageUsers)
            {
                var users = Math.Min(DecayStageUsers, end - first);
                DecayCoefficients.Write<TCurve>(p1 + first, p2 + first, users, op.TickLength, coefficients);
                for (var u = 0; u < users; u++)
                {
                    var perTick = Vector512.Create(coefficients[u]);
                    var offset = Vector512.Create(coefficients[DecayStageUsers + u]);
                    var numerator = Vector512.Create(coefficients[(2 * DecayStageUsers) + u]);
                    var row = ((long)first + u) * d;
                    PrefetchInputs(peak, last, pref, row + DecayPrefetchElements, d, elements);
                    for (var g = 0; g < d; g += Vector512<float>.Count)
                    {
                        var e = row + g;
                        var ticks = Vector512.ConvertToSingle(vTick - Vector512.Load(last + e));
                        var retention = TCurve.Retention(ticks, perTick, offset, numerator);
                        var w = Vector512.FusedMultiplyAdd(Vector512.Load(peak + e) - vBase, retention, vBase);
                        if (pref is not null)
                        {
                            w *= Vector512.Load(pref + e);
                        }

                        w.Store(stage + (u * d) + g);
                    }
                }

                StreamStore(stage, output + ((long)first * d), (long)users * d);
            }

            Sse.StoreFence();
        }
    }

    /// <summary>The Vector256 twin of <see cref="DecayRows512"/>, for any d (a scalar tail finishes each row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DecayRows256<TCurve>(in DecayOperands op, int start, int end)
        where TCurve : struct, IRetention
    {
        var d = op.Dim;
        var vectorEnd = d - (d % Vector256<float>.Count);
        var staging = ThreadScratch<DecayStage>.For(DecayStageUsers * d);
        var coefficients = stackalloc float[3 * DecayStageUsers];
        var vTick = Vector256.Create(op.Tick);
        var vBase = Vector256.Create(op.Baseline);
        var elements = (long)op.Users * d;
        fixed (float* peak = op.Peak.Host)
        fixed (int* last = op.LastEngaged.Host)
        fixed (float* pref = op.Preference?.Host)
        fixed (float* output = op.Output.Host)
        fixed (float* stage = staging)
        fixed (float* p1 = op.CurveP1.Host)
        fixed (float* p2 = op.CurveP2.Host)
        {
            for (var first = start; first < end; first += DecayStageUsers)
            {
                var users = Math.Min(DecayStageUsers, end - first);
                DecayCoefficients.Write<TCurve>(p1 + first, p2 + first, users, op.TickLength, coefficients);
                for (var u = 0; u < users; u++)
                {
                    var a = p1[first + u];
                    var b = p2[first + u];
                    var perTick = Vector256.Create(coefficients[u]);
                    var offset = Vector256.Create(coefficients[DecayStageUsers + u]);
                    var numerator = Vector256.Create(coefficients[(2 * DecayStageUsers) + u]);
                    var row = ((long)first + u) * d;
                    var target = stage + (u * d);
                    PrefetchInputs(peak, last, pref, row + DecayPrefetchElements, d, elements);
                    var g = 0;
                    for (; g < vectorEnd; g += Vector256<float>.Count)
                    {
                        var e = row + g;
                        var ticks = Vector256.ConvertToSingle(vTick - Vector256.Load(last + e));
                        var retention = TCurve.Retention(ticks, perTick, offset, numerator);
                        var w = Vector256.FusedMultiplyAdd(Vector256.Load(peak + e) - vBase, retention, vBase);
                        if (pref is not null)
                        {
                            w *= Vector256.Load(pref + e);
                        }

                        w.Store(target + g);
                    }

                    for (; g < d; g++)
                    {
                        var e = row + g;
                        var w = ForgettingMath.Strength(op.Curve, peak[e], (op.Tick - last[e]) * op.TickLength, a, b, op.Baseline);
                        target[g] = pref is null ? w : pref[e] * w;
                    }
                }

                StreamStore(stage, output + ((long)first * d), (long)users * d);
            }

            Sse.StoreFence();
        }
    }

    /// <summary>
    /// Asks for one row's input lines (peak, lastEngaged, preference from element ahead on, d
    /// elements) to be brought into L2, so they arrive while earlier rows are computed. L2 rather
    /// than L1: L1 keeps the staging block and the rows being worked on (L1 hints measured no better).
    /// Nothing is asked past the last element. A hint never changes a value, only when it arrives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchInputs(float* peak, int* last, float* pref, long ahead, int d, long elements)
    {
        if (!Sse.IsSupported || ahead + d > elements)
        {
            return;
        }

        for (var g = 0; g < d; g += CacheLineFloats)
        {
            Sse.Prefetch1(peak + ahead + g);
            Sse.Prefetch1(last + ahead + g);
            if (pref is not null)
            {
                Sse.Prefetch1(pref + ahead + g);
            }
        }
    }

    /// <summary>
    /// Copies count floats, with aligned non-temporal stores for every whole vector of the target
    /// (64-byte lines with AVX-512, 32-byte halves otherwise) and plain stores at the ragged ends.
    /// </summary>
    private static unsafe void StreamStore(float* source, float* target, long count)
    {
        var width = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;
        var alignment = (nuint)(width * sizeof(float));
        long i = 0;
        for (; i < count && ((nuint)(target + i) & (alignment - 1)) != 0; i++)
        {
            target[i] = source[i];
        }

        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + width <= count; i += width)
            {
                Vector512.Load(source + i).StoreAlignedNonTemporal(target + i);
            }
        }
        else
        {
            for (; i + width <= count; i += width)
            {
                Vector256.Load(source + i).StoreAlignedNonTemporal(target + i);
            }
        }

        for (; i < count; i++)
        {
            target[i] = source[i];
        }
    }

    /// <summary>
    /// Per-user constants that turn a curve into powers of two of y = ticks x PerTick + Offset,
    /// with ticks = tick - lastEngaged exact in integers (no cancellation late in long runs):
    /// exponential 2^(-dt/h): y = -dt/h; sigmoid N / (1 + e^((dt - m)/s)): y = (dt - m) log2(e)/s,
    /// N = 1 + e^(-m/s) = 1 + 2^Offset; power law (1 + dt/tau)^(-d) = 2^(-d log2(1 + dt/tau)):
    /// PerTick = 1/tau, Offset = -d. dt = ticks x tick length, folded into PerTick.
    /// They are computed for a whole staged block, eight users per vector, because one scalar
    /// exponential and three divisions per user cost as much as the user's 32 retentions.
    /// Every user goes through the same vector code (a short last vector is padded), so a user's
    /// constants never depend on where its block starts, nor on the thread count.
    /// Layout of the target: PerTick of user u at [u], Offset at [DecayStageUsers + u], Numerator at [2 DecayStageUsers + u].
    /// </summary>
    private static class DecayCoefficients
    {
        public const float Log2E = 1.4426950409f;

        public static unsafe void Write<TCurve>(float* p1, float* p2, int count, float tickLength, float* target)
            where TCurve : struct, IRetention
        {
            var width = Vector256<float>.Count;
            var padded1 = stackalloc float[width];
            var padded2 = stackalloc float[width];
            for (var u = 0; u < count; u += width)
            {
                Vector256<float> a, b;
                if (u + width <= count)
                {
                    a = Vector256.Load(p1 + u);
                    b = Vector256.Load(p2 + u);
                }
                else
                {
                    for (var i = 0; i < width; i++)
                    {
                        padded1[i] = u + i < count ? p1[u + i] : 1f;
                        padded2[i] = u + i < count ? p2[u + i] : 1f;
                    }

                    a = Vector256.Load(padded1);
                    b = Vector256.Load(padded2);
                }

                var (perTick, offset, numerator) = TCurve.Constants(a, b, tickLength);
                perTick.Store(target + u);
                offset.Store(target + DecayStageUsers + u);
                numerator.Store(target + (2 * DecayStageUsers) + u);
            }
        }
    }

    /// <summary>A forgetting curve's retention from ticks since the last engagement and its per-user constants.</summary>
    private interface IRetention
    {
        /// <summary>The per-user constants of eight users from their curve parameters (see <see cref="DecayCoefficients"/>).</summary>
        static abstract (Vector256<float> PerTick, Vector256<float> Offset, Vector256<float> Numerator) Constants(Vector256<float> p1, Vector256<float> p2, float tickLength);

        static abstract Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator);

        static abstract Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator);
    }

    private readonly struct ExponentialRetention : IRetention
    {
        public static (Vector256<float> PerTick, Vector256<float> Offset, Vector256<float> Numerator) Constants(Vector256<float> halfLife, Vector256<float> p2, float tickLength) =>
            (Vector256.Create(-tickLength) / halfLife, Vector256<float>.Zero, Vector256<float>.One);

        public static Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator) =>
            FastVectorMath.Exp2(ticks * perTick);

        public static Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator) =>
            FastVectorMath.Exp2(ticks * perTick);
    }

    /// <summary>N / (1 + 2^y), with the division done as a reciprocal estimate and one Newton step (relative error about 1e-7): a vector division costs as much as the whole 2^y.</summary>
    private readonly struct SigmoidRetention : IRetention
    {
        public static (Vector256<float> PerTick, Vector256<float> Offset, Vector256<float> Numerator) Constants(Vector256<float> midpoint, Vector256<float> width, float tickLength)
        {
            var offset = -midpoint * Vector256.Create(DecayCoefficients.Log2E) / width;
            return (Vector256.Create(tickLength * DecayCoefficients.Log2E) / width, offset, Vector256<float>.One + FastVectorMath.Exp2(offset));
        }

        public static Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator) =>
            numerator * FastVectorMath.Reciprocal(Vector512<float>.One + FastVectorMath.Exp2(Vector512.FusedMultiplyAdd(ticks, perTick, offset)));

        public static Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator) =>
            numerator * FastVectorMath.Reciprocal(Vector256<float>.One + FastVectorMath.Exp2(Vector256.FusedMultiplyAdd(ticks, perTick, offset)));
    }

    private readonly struct PowerLawRetention : IRetention
    {
        public static (Vector256<float> PerTick, Vector256<float> Offset, Vector256<float> Numerator) Constants(Vector256<float> tau, Vector256<float> exponent, float tickLength) =>
            (Vector256.Create(tickLength) / tau, -exponent, Vector256<float>.One);

        public static Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator) =>
            FastVectorMath.Exp2(FastVectorMath.Log2(Vector512.FusedMultiplyAdd(ticks, perTick, Vector512<float>.One)) * offset);

        public static Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator) =>
            FastVectorMath.Exp2(FastVectorMath.Log2(Vector256.FusedMultiplyAdd(ticks, perTick, Vector256<float>.One)) * offset);
    }

    /// <summary>Tag of the decay staging buffer.</summary>
    private readonly struct DecayStage;
}
