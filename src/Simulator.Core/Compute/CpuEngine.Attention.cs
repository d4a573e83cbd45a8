using System.Runtime.Intrinsics;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

public sealed partial class CpuEngine
{
    /// <summary>Users whose tokens share one set of products: 8 users x 21 tokens is 168 rows per product.</summary>
    private const int AttentionChunkUsers = 8;

    /// <summary>
    /// Attention readout in chunks of 8 users: the tokens of all the chunk's users are stacked, so
    /// the token projection and each layer's K and V are one product over every token row on the
    /// 4 x 16 micro-kernel, and Q, O and the feed-forward one product over the query rows (every
    /// token in inner layers, the now tokens only in the last). The attention itself (at most
    /// Window + 1 keys per query) reads each interval embedding once per query: q . RK_b for the 8
    /// buckets first, and the value side sums weights per bucket before adding RV_b. Hidden widths
    /// that are not multiples of 16 take the scalar reference.
    /// </summary>
    public void AttentionReadout(in AttentionReadoutOperands op)
    {
        if (!Vector256.IsHardwareAccelerated || op.Layout.Hidden % 16 != 0)
        {
            var scalar = op;
            ForEachChunk(op.Users, AttentionChunkUsers, (start, end) =>
            {
                var scratch = new float[AttentionMath.ScratchLength(scalar.Layout)];
                for (var u = start; u < end; u++)
                {
                    AttentionMath.Readout(scalar, u, scratch);
                }
            });
            return;
        }

        var operands = op;
        ForEachChunk(op.Users, AttentionChunkUsers, (start, end) => AttentionUsers(operands, start, end));
    }

    private static unsafe void AttentionUsers(in AttentionReadoutOperands op, int start, int end)
    {
        var layout = op.Layout;
        var h = layout.Hidden;
        var window = layout.Window;
        var inputs = layout.Inputs;
        var users = end - start;
        var maxRows = users * (window + 1);
        var a = ThreadScratch<AttentionA>.For(maxRows * inputs);
        var x = ThreadScratch<AttentionX>.For(maxRows * h);
        var qkv = ThreadScratch<AttentionQkv>.For(maxRows * 3 * h);
        var z = ThreadScratch<AttentionZ>.For(maxRows * h);
        var y = ThreadScratch<AttentionY>.For(maxRows * h);
        var m = ThreadScratch<AttentionM>.For(maxRows * h);
        var output = ThreadScratch<AttentionOut>.For(maxRows * h);
        var nowRows = ThreadScratch<AttentionNow>.For(users * 4 * h);
        Span<int> first = stackalloc int[users + 1];
        Span<int> ticks = stackalloc int[maxRows];
        var p = op.Parameters.Host;

        // Token rows: each user's events oldest first, then its now token.
        var rows = 0;
        for (var b = 0; b < users; b++)
        {
            var u = start + b;
            var count = op.Counts.Host[u];
            var n = Math.Min(count, window);
            first[b] = rows;
            for (var j = 0; j < n; j++)
            {
                var s = (u * window) + AttentionMath.Slot(count, window, j);
                AttentionMath.Input(layout, op.Embeddings.Host, op.Items.Host[s], op.LogDwell.Host[s], op.Positions.Host[s], a.AsSpan((rows + j) * inputs, inputs));
                ticks[rows + j] = op.Ticks.Host[s];
            }

            a.AsSpan((rows + n) * inputs, inputs).Clear();
            ticks[rows + n] = op.Now;
            rows += n + 1;
        }

        first[users] = rows;
        fixed (float* pp = p)
        fixed (float* ap = a)
        fixed (float* xp = x)
        fixed (float* qkvp = qkv)
        fixed (float* zp = z)
        fixed (float* yp = y)
        fixed (float* mp = m)
        fixed (float* op2 = output)
        fixed (float* nowp = nowRows)
        {
            DenseRows.Multiply(ap, inputs, rows, inputs, pp, h, h, xp, h);
            for (var b = 0; b < users; b++)
            {
                var n = first[b + 1] - first[b] - 1;
                for (var j = 0; j < n; j++)
                {
                    var row = x.AsSpan((first[b] + j) * h, h);
                    var rank = p.AsSpan(layout.RankOffset + ((n - 1 - j) * h), h);
                    var inBias = p.AsSpan(layout.InBiasOffset, h);
                    for (var o = 0; o < h; o++)
                    {
                        row[o] += inBias[o] + rank[o];
                    }
                }

                p.AsSpan(layout.QueryOffset, h).CopyTo(x.AsSpan((first[b] + n) * h, h));
            }

            var xIn = xp;
            var xOut = op2;
            var nowX = nowp;
            var nowQ = nowp + (users * h);
            for (var l = 0; l < layout.Layers; l++)
            {
                var last = l == layout.Layers - 1;
                var w = pp + layout.QkvOffset(l);
                float* queryInput;
                float* queries;
                int queryStride;
                int queryRows;
                if (!last)
                {
                    DenseRows.Multiply(xIn, h, rows, h, w, 3 * h, 3 * h, qkvp, 3 * h);
                    queryInput = xIn;
                    queries = qkvp;
                    queryStride = 3 * h;
                    queryRows = rows;
                }
                else
                {
                    DenseRows.Multiply(xIn, h, rows, h, w + h, 3 * h, 2 * h, qkvp + h, 3 * h);
                    for (var b = 0; b < users; b++)
                    {
                        new ReadOnlySpan<float>(xIn + ((long)(first[b + 1] - 1) * h), h).CopyTo(new Span<float>(nowX + (b * h), h));
                    }

                    DenseRows.Multiply(nowX, h, users, h, w, 3 * h, h, nowQ, h);
                    queryInput = nowX;
                    queries = nowQ;
                    queryStride = h;
                    queryRows = users;
                }

                for (var qr = 0; qr < queryRows; qr++)
                {
                    int b, t;
                    if (last)
                    {
                        b = qr;
                        t = first[b + 1] - 1 - first[b];
                    }
                    else
                    {
                        b = 0;
                        while (first[b + 1] <= qr)
                        {
                            b++;
                        }

                        t = qr - first[b];
                    }

                    AttendRow(layout, l, pp, queries + ((long)qr * queryStride), qkvp + ((long)first[b] * 3 * h), t, ticks.Slice(first[b], t + 1), zp + ((long)qr * h));
                }

                // y = x + Z O + b_o; m = relu(y F1 + b_1); x' = y + m F2 + b_2, over the query rows.
                DenseRows.Multiply(zp, h, queryRows, h, pp + layout.OOffset(l), h, h, yp, h);
                AddBias(yp, queryRows, h, pp + layout.OBiasOffset(l), queryInput);
                DenseRows.Multiply(yp, h, queryRows, h, pp + layout.Ffn1Offset(l), h, h, mp, h);
                AddBias(mp, queryRows, h, pp + layout.Ffn1BiasOffset(l), null);
                Relu(mp, queryRows * h);
                DenseRows.Multiply(mp, h, queryRows, h, pp + layout.Ffn2Offset(l), h, h, xOut, h);
                AddBias(xOut, queryRows, h, pp + layout.Ffn2BiasOffset(l), yp);
                if (last)
                {
                    new ReadOnlySpan<float>(xOut, users * h).CopyTo(op.Hidden.Host.AsSpan(start * h, users * h));
                }
                else
                {
                    var swap = xIn;
                    xIn = xOut;
                    xOut = swap;
                }
            }
        }
    }

    /// <summary>
    /// One query row's attention: per head, logits q . (K_j + RK_b) / sqrt(d_h) over the user's
    /// tokens j &lt;= t, softmax, Z = sum_j A_j (V_j + RV_b); K and V are columns H..3H of the user's
    /// stacked token rows (stride 3H).
    /// </summary>
    private static unsafe void AttendRow(in AttentionLayout layout, int l, float* p, float* q, float* kv, int t, ReadOnlySpan<int> ticks, float* z)
    {
        var h = layout.Hidden;
        var dh = h / layout.Heads;
        var norm = 1f / MathF.Sqrt(dh);
        var buckets = AttentionLayout.Buckets;
        Span<float> weights = stackalloc float[t + 1];
        Span<float> bucketLogit = stackalloc float[buckets];
        Span<float> bucketWeight = stackalloc float[buckets];
        var rk = p + layout.IntervalKOffset(l);
        var rv = p + layout.IntervalVOffset(l);
        for (var head = 0; head < layout.Heads; head++)
        {
            var slice = head * dh;
            if (layout.TimeAware)
            {
                for (var bucket = 0; bucket < buckets; bucket++)
                {
                    bucketLogit[bucket] = Dot(q + slice, rk + (bucket * h) + slice, dh);
                }
            }

            var max = float.NegativeInfinity;
            for (var j = 0; j <= t; j++)
            {
                var logit = Dot(q + slice, kv + ((long)j * 3 * h) + h + slice, dh);
                if (layout.TimeAware)
                {
                    logit += bucketLogit[AttentionLayout.Bucket(ticks[t] - ticks[j])];
                }

                weights[j] = logit * norm;
                max = MathF.Max(max, weights[j]);
            }

            var inverse = 1f / AttentionMath.Exponentiate(weights[..(t + 1)], max);
            var zh = new Span<float>(z + slice, dh);
            zh.Clear();
            bucketWeight.Clear();
            for (var j = 0; j <= t; j++)
            {
                var wj = weights[j] * inverse;
                Axpy(wj, kv + ((long)j * 3 * h) + (2 * h) + slice, z + slice, dh);
                if (layout.TimeAware)
                {
                    bucketWeight[AttentionLayout.Bucket(ticks[t] - ticks[j])] += wj;
                }
            }

            if (layout.TimeAware)
            {
                for (var bucket = 0; bucket < buckets; bucket++)
                {
                    if (bucketWeight[bucket] != 0f)
                    {
                        Axpy(bucketWeight[bucket], rv + (bucket * h) + slice, z + slice, dh);
                    }
                }
            }
        }
    }

    private static unsafe float Dot(float* a, float* b, int n)
    {
        var i = 0;
        var sum = Vector256<float>.Zero;
        for (; i + 8 <= n; i += 8)
        {
            sum = Tile4x16.Fmadd(Vector256.Load(a + i), Vector256.Load(b + i), sum);
        }

        var total = Vector256.Sum(sum);
        for (; i < n; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    /// <summary>y += s x.</summary>
    private static unsafe void Axpy(float s, float* x, float* y, int n)
    {
        var i = 0;
        var scale = Vector256.Create(s);
        for (; i + 8 <= n; i += 8)
        {
            Tile4x16.Fmadd(scale, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
        }

        for (; i < n; i++)
        {
            y[i] += s * x[i];
        }
    }

    /// <summary>Adds the bias to every row, and the residual rows when given.</summary>
    private static unsafe void AddBias(float* rows, int count, int h, float* bias, float* residual)
    {
        for (var r = 0; r < count; r++)
        {
            var row = rows + ((long)r * h);
            for (var o = 0; o < h; o += 8)
            {
                var v = Vector256.Load(row + o) + Vector256.Load(bias + o);
                if (residual != null)
                {
                    v += Vector256.Load(residual + ((long)r * h) + o);
                }

                v.Store(row + o);
            }
        }
    }

    private static unsafe void Relu(float* values, int count)
    {
        for (var i = 0; i < count; i += 8)
        {
            Vector256.Max(Vector256.Load(values + i), Vector256<float>.Zero).Store(values + i);
        }
    }

    /// <summary>Tags of the attention readout's chunk buffers.</summary>
    private readonly struct AttentionA;

    private readonly struct AttentionX;

    private readonly struct AttentionQkv;

    private readonly struct AttentionZ;

    private readonly struct AttentionY;

    private readonly struct AttentionM;

    private readonly struct AttentionOut;

    private readonly struct AttentionNow;
}
