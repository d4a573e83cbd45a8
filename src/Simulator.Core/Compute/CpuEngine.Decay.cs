using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

public sealed partial class CpuEngine
{
    private const int DecayChunkUsers = 2048;

    /// <summary>
    /// Forgetting: memory-bound (reads peak, lastEngaged and preference, writes the output).
    /// With AVX-512 and d a multiple of 16, rows are computed 64 users at a time into a small
    /// per-thread staging buffer that stays in L1, then streamed to the output with aligned
    /// non-temporal stores: the output lines are then never read for ownership, which was a
    /// third of the traffic. Values do not depend on where the output happens to be aligned.
    /// </summary>
    public void Decay(in DecayOperands op)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            _scalar.Decay(op);
            return;
        }

        var operands = op;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && op.Dim % 16 == 0 && op.Preference is not null)
        {
            // One specialised loop per curve: no branch and no other curve's registers in the hot loop.
            Action<int, int> rows = op.Curve switch
            {
                ForgettingCurve.Exponential => (start, end) => DecayRows512<ExponentialRetention>(operands, start, end),
                ForgettingCurve.Sigmoid => (start, end) => DecayRows512<SigmoidRetention>(operands, start, end),
                _ => (start, end) => DecayRows512<PowerLawRetention>(operands, start, end),
            };
            ForEachChunk(op.Users, DecayChunkUsers, rows);
            return;
        }

        ForEachChunk(op.Users, DecayChunkUsers, (start, end) => DecayRows256(operands, start, end));
    }

    private const int DecayStageUsers = 64;

    private static unsafe void DecayRows512<TCurve>(in DecayOperands op, int start, int end)
        where TCurve : struct, IRetention512
    {
        var d = op.Dim;
        var staging = ThreadScratch<DecayStage>.For(DecayStageUsers * d);
        var vTick = Vector512.Create((float)op.Tick);
        var vLength = Vector512.Create(op.TickLength);
        var vBase = Vector512.Create(op.Baseline);
        fixed (float* peak = op.Peak.Host)
        fixed (int* last = op.LastEngaged.Host)
        fixed (float* pref = op.Preference!.Host)
        fixed (float* output = op.Output.Host)
        fixed (float* stage = staging)
        fixed (float* p1 = op.CurveP1.Host)
        fixed (float* p2 = op.CurveP2.Host)
        {
            var curve = op.Curve;
            for (var first = start; first < end; first += DecayStageUsers)
            {
                var users = Math.Min(DecayStageUsers, end - first);
                for (var u = 0; u < users; u++)
                {
                    var c = CurveCoefficients.For(curve, p1[first + u], p2[first + u]);
                    var scale = Vector512.Create(c.Scale);
                    var shift = Vector512.Create(c.Shift);
                    var numerator = Vector512.Create(c.Numerator);
                    var row = ((long)first + u) * d;
                    for (var g = 0; g < d; g += 16)
                    {
                        var e = row + g;
                        var dt = (vTick - Vector512.ConvertToSingle(Vector512.Load(last + e))) * vLength;
                        var retention = TCurve.Retention(dt, scale, shift, numerator);
                        var w = Vector512.FusedMultiplyAdd(Vector512.Load(peak + e) - vBase, retention, vBase) * Vector512.Load(pref + e);
                        w.Store(stage + (u * d) + g);
                    }
                }

                StreamStore(stage, output + ((long)first * d), (long)users * d);
            }

            Sse.StoreFence();
        }
    }

    /// <summary>Copies count floats with aligned non-temporal stores for every whole 64-byte line of the target.</summary>
    private static unsafe void StreamStore(float* source, float* target, long count)
    {
        long i = 0;
        for (; i < count && ((nuint)(target + i) & 63) != 0; i++)
        {
            target[i] = source[i];
        }

        for (; i + 16 <= count; i += 16)
        {
            Vector512.Load(source + i).StoreAlignedNonTemporal(target + i);
        }

        for (; i < count; i++)
        {
            target[i] = source[i];
        }
    }

    /// <summary>A forgetting curve's retention on 16 lanes, given its per-user constants.</summary>
    private interface IRetention512
    {
        static abstract Vector512<float> Retention(Vector512<float> dt, Vector512<float> scale, Vector512<float> shift, Vector512<float> numerator);
    }

    /// <summary>2^(-dt/h) = exp(-ln2/h dt).</summary>
    private readonly struct ExponentialRetention : IRetention512
    {
        public static Vector512<float> Retention(Vector512<float> dt, Vector512<float> scale, Vector512<float> shift, Vector512<float> numerator) =>
            Vector512.Exp(dt * scale);
    }

    /// <summary>(1 + e^(-m/s)) / (1 + e^((dt - m)/s)).</summary>
    private readonly struct SigmoidRetention : IRetention512
    {
        public static Vector512<float> Retention(Vector512<float> dt, Vector512<float> scale, Vector512<float> shift, Vector512<float> numerator) =>
            numerator / (Vector512<float>.One + Vector512.Exp((dt - shift) * scale));
    }

    /// <summary>(1 + dt/tau)^(-d) = exp(-d ln(1 + dt/tau)).</summary>
    private readonly struct PowerLawRetention : IRetention512
    {
        public static Vector512<float> Retention(Vector512<float> dt, Vector512<float> scale, Vector512<float> shift, Vector512<float> numerator) =>
            Vector512.Exp(Vector512.Log(Vector512<float>.One + (dt * scale)) * -shift);
    }

    private static void DecayRows256(in DecayOperands op, int start, int end)
    {
        var peak = op.Peak.Host;
        var last = op.LastEngaged.Host;
        var p1 = op.CurveP1.Host;
        var p2 = op.CurveP2.Host;
        var pref = op.Preference?.Host;
        var output = op.Output.Host;
        var d = op.Dim;
        var baseline = op.Baseline;
        var vBase = Vector256.Create(baseline);
        var vTick = Vector256.Create((float)op.Tick);
        var vLen = Vector256.Create(op.TickLength);
        var vectorEnd = d - (d % Vector256<float>.Count);
        for (var u = start; u < end; u++)
        {
            var row = u * d;
            var a = p1[u];
            var b = p2[u];
            var coeff = CurveCoefficients.For(op.Curve, a, b);
            var g = 0;
            for (; g < vectorEnd; g += Vector256<float>.Count)
            {
                var e = row + g;
                var dt = (vTick - Vector256.ConvertToSingle(Vector256.Create(last.AsSpan(e, 8)))) * vLen;
                var retention = Retention256(op.Curve, dt, coeff);
                var pk = Vector256.Create(peak.AsSpan(e, 8));
                var w = vBase + ((pk - vBase) * retention);
                if (pref is not null)
                {
                    w *= Vector256.Create(pref.AsSpan(e, 8));
                }

                w.CopyTo(output.AsSpan(e, 8));
            }

            for (; g < d; g++)
            {
                var e = row + g;
                var w = ForgettingMath.Strength(op.Curve, peak[e], (op.Tick - last[e]) * op.TickLength, a, b, baseline);
                output[e] = pref is null ? w : pref[e] * w;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Retention256(ForgettingCurve curve, Vector256<float> dt, in CurveCoefficients c)
    {
        switch (curve)
        {
            case ForgettingCurve.Exponential:
                // 2^(-dt/h) = exp(-ln2/h * dt)
                return Vector256.Exp(dt * Vector256.Create(c.Scale));
            case ForgettingCurve.Sigmoid:
                // (1 + e^(-m/s)) / (1 + e^((dt - m)/s))
                var z = Vector256.Exp((dt - Vector256.Create(c.Shift)) * Vector256.Create(c.Scale));
                return Vector256.Create(c.Numerator) / (Vector256<float>.One + z);
            default:
                // (1 + dt/tau)^(-d) = exp(-d ln(1 + dt/tau))
                var x = Vector256<float>.One + (dt * Vector256.Create(c.Scale));
                return Vector256.Exp(Vector256.Log(x) * Vector256.Create(-c.Shift));
        }
    }

    /// <summary>Per-user constants of a curve, hoisted out of the topic loop.</summary>
    private readonly record struct CurveCoefficients(float Scale, float Shift, float Numerator)
    {
        public static CurveCoefficients For(ForgettingCurve curve, float p1, float p2) => curve switch
        {
            ForgettingCurve.Exponential => new(-0.6931472f / p1, 0f, 1f),
            ForgettingCurve.Sigmoid => new(1f / p2, p1, 1f + MathF.Exp(-p1 / p2)),
            _ => new(1f / p1, p2, 1f),
        };
    }

    /// <summary>Tag of the decay staging buffer.</summary>
    private readonly struct DecayStage;
}
