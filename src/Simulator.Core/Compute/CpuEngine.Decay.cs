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
    /// Forgetting: memory-bound (reads peak, lastEngaged and preference, writes the output).
    /// Rows are computed 64 users at a time into a small per-thread staging buffer that stays in
    /// L1, then streamed to the output with aligned non-temporal stores: the output lines are then
    /// never read for ownership, which was a third of the traffic. Each curve is rewritten as
    /// powers of two with per-user constants (see <see cref="DecayCoefficients"/>), so the inner
    /// loop is one integer subtraction, a conversion, an FMA and <see cref="FastVectorMath.Exp2(Vector512{float})"/>.
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
        var vTick = Vector512.Create(op.Tick);
        var vBase = Vector512.Create(op.Baseline);
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
                for (var u = 0; u < users; u++)
                {
                    var c = DecayCoefficients.For(op.Curve, p1[first + u], p2[first + u], op.TickLength);
                    var perTick = Vector512.Create(c.PerTick);
                    var offset = Vector512.Create(c.Offset);
                    var numerator = Vector512.Create(c.Numerator);
                    var row = ((long)first + u) * d;
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
        var vTick = Vector256.Create(op.Tick);
        var vBase = Vector256.Create(op.Baseline);
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
                for (var u = 0; u < users; u++)
                {
                    var a = p1[first + u];
                    var b = p2[first + u];
                    var c = DecayCoefficients.For(op.Curve, a, b, op.TickLength);
                    var perTick = Vector256.Create(c.PerTick);
                    var offset = Vector256.Create(c.Offset);
                    var numerator = Vector256.Create(c.Numerator);
                    var row = ((long)first + u) * d;
                    var target = stage + (u * d);
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
    /// exponential 2^(-dt/h): y = -dt/h; sigmoid N / (1 + e^((dt - m)/s)): y = (dt - m) log2(e)/s;
    /// power law (1 + dt/tau)^(-d) = 2^(-d log2(1 + dt/tau)): PerTick = 1/tau, Offset = -d.
    /// dt = ticks x tick length, folded into PerTick.
    /// </summary>
    private readonly record struct DecayCoefficients(float PerTick, float Offset, float Numerator)
    {
        private const float Log2E = 1.4426950409f;

        public static DecayCoefficients For(ForgettingCurve curve, float p1, float p2, float tickLength) => curve switch
        {
            ForgettingCurve.Exponential => new(-tickLength / p1, 0f, 1f),
            ForgettingCurve.Sigmoid => new(tickLength * Log2E / p2, -p1 * Log2E / p2, 1f + MathF.Exp(-p1 / p2)),
            _ => new(tickLength / p1, -p2, 1f),
        };
    }

    /// <summary>A forgetting curve's retention from ticks since the last engagement and its per-user constants.</summary>
    private interface IRetention
    {
        static abstract Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator);

        static abstract Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator);
    }

    private readonly struct ExponentialRetention : IRetention
    {
        public static Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator) =>
            FastVectorMath.Exp2(ticks * perTick);

        public static Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator) =>
            FastVectorMath.Exp2(ticks * perTick);
    }

    private readonly struct SigmoidRetention : IRetention
    {
        public static Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator) =>
            numerator / (Vector512<float>.One + FastVectorMath.Exp2(Vector512.FusedMultiplyAdd(ticks, perTick, offset)));

        public static Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator) =>
            numerator / (Vector256<float>.One + FastVectorMath.Exp2(Vector256.FusedMultiplyAdd(ticks, perTick, offset)));
    }

    private readonly struct PowerLawRetention : IRetention
    {
        public static Vector512<float> Retention(Vector512<float> ticks, Vector512<float> perTick, Vector512<float> offset, Vector512<float> numerator) =>
            FastVectorMath.Exp2(FastVectorMath.Log2(Vector512.FusedMultiplyAdd(ticks, perTick, Vector512<float>.One)) * offset);

        public static Vector256<float> Retention(Vector256<float> ticks, Vector256<float> perTick, Vector256<float> offset, Vector256<float> numerator) =>
            FastVectorMath.Exp2(FastVectorMath.Log2(Vector256.FusedMultiplyAdd(ticks, perTick, Vector256<float>.One)) * offset);
    }

    /// <summary>Tag of the decay staging buffer.</summary>
    private readonly struct DecayStage;
}
