namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// The dense operations the sequence models are made of, forward and backward, on spans. A weight
/// matrix W [out x in] is row-major (row o holds the weights into output o), so y = W x reads
/// contiguous rows. Backward methods add into their gradient arguments (callers zero them once),
/// which is what lets a layer used at several time steps sum its gradient over them.
/// </summary>
internal static class DenseMath
{
    /// <summary>y = W x + b (b may be empty for no bias).</summary>
    public static void Affine(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> y)
    {
        var inputs = x.Length;
        for (var o = 0; o < y.Length; o++)
        {
            var row = w.Slice(o * inputs, inputs);
            var sum = b.IsEmpty ? 0f : b[o];
            for (var i = 0; i < inputs; i++)
            {
                sum += row[i] * x[i];
            }

            y[o] = sum;
        }
    }

    /// <summary>y += W x.</summary>
    public static void AddProduct(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        var inputs = x.Length;
        for (var o = 0; o < y.Length; o++)
        {
            var row = w.Slice(o * inputs, inputs);
            var sum = 0f;
            for (var i = 0; i < inputs; i++)
            {
                sum += row[i] * x[i];
            }

            y[o] += sum;
        }
    }

    /// <summary>Backward of y = W x (+ b): dW += dy x^T, db += dy (when db is not empty), dx += W^T dy (when dx is not empty).</summary>
    public static void AffineBackward(
        ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> db, Span<float> dx)
    {
        var inputs = x.Length;
        for (var o = 0; o < dy.Length; o++)
        {
            var g = dy[o];
            if (g == 0f)
            {
                continue;
            }

            if (!db.IsEmpty)
            {
                db[o] += g;
            }

            var row = w.Slice(o * inputs, inputs);
            var gradRow = dw.Slice(o * inputs, inputs);
            for (var i = 0; i < inputs; i++)
            {
                gradRow[i] += g * x[i];
                if (!dx.IsEmpty)
                {
                    dx[i] += g * row[i];
                }
            }
        }
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>y += s x.</summary>
    public static void AddScaled(ReadOnlySpan<float> x, float s, Span<float> y)
    {
        for (var i = 0; i < y.Length; i++)
        {
            y[i] += s * x[i];
        }
    }

    public static float Sigmoid(float x) => Compute.Operators.RecurrentMath.Sigmoid(x);

    /// <summary>ln(1 + e^x) without overflow.</summary>
    public static float Softplus(float x) => x > 20f ? x : MathF.Log(1f + MathF.Exp(x));

    /// <summary>The time feature of a gap of <paramref name="ticks"/> ticks: ln(1 + ticks), so a day and a month differ by a few units, not by thirty.</summary>
    public static float TimeFeature(float ticks) => MathF.Log(1f + MathF.Max(ticks, 0f));
}
