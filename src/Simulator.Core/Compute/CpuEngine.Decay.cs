using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

public sealed partial class CpuEngine
{
    /// <summary>
    /// Forgetting, vectorised across the topics of one user (per-user curve parameters are
    /// broadcast once per row). Memory-bound: reads peak, lastEngaged (and preference), writes output.
    /// </summary>
    public void Decay(in DecayOperands op)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            _scalar.Decay(op);
            return;
        }

        var operands = op;
        ForEachChunk(op.Users, 2048, (start, end) => DecayRows(operands, start, end));
    }

    private static void DecayRows(in DecayOperands op, int start, int end)
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
                var retention = Retention(op.Curve, dt, coeff);
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
    private static Vector256<float> Retention(ForgettingCurve curve, Vector256<float> dt, in CurveCoefficients c)
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
}
