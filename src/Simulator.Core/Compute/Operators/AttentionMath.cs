namespace Simulator.Core.Compute.Operators;

/// <summary>
/// Scalar reference of the attention readout (<see cref="AttentionReadoutOperands"/>) for one user:
/// every product sums from its bias (or zero) adding inputs in ascending order.
/// </summary>
public static class AttentionMath
{
    /// <summary>Floats of scratch one user's readout needs (either Readout).</summary>
    public static int ScratchLength(in AttentionLayout layout)
    {
        var tokens = layout.Window + 1;
        return (4 * tokens * layout.Hidden) + (4 * layout.Hidden) + layout.Inputs + tokens;
    }

    /// <summary>The readout of user <paramref name="u"/> of the operands (its ring rows, count and output row).</summary>
    public static void Readout(in AttentionReadoutOperands op, int u, Span<float> scratch)
    {
        var window = op.Layout.Window;
        var ring = u * window;
        Readout(
            op.Layout,
            op.Parameters.Host,
            op.Embeddings.Host,
            op.Items.Host.AsSpan(ring, window),
            op.Ticks.Host.AsSpan(ring, window),
            op.LogDwell.Host.AsSpan(ring, window),
            op.Positions.Host.AsSpan(ring, window),
            op.Counts.Host[u],
            op.Now,
            op.Hidden.Host.AsSpan(u * op.Layout.Hidden, op.Layout.Hidden),
            scratch);
    }

    /// <summary>The slot of event j (0 = the oldest held) of a user's ring, relative to the user's first slot.</summary>
    public static int Slot(int count, int window, int j) => ((count <= window ? 0 : count % window) + j) % window;

    /// <summary>
    /// h_now of one user whose window holds <paramref name="count"/> events in all (ring rows
    /// <paramref name="items"/> .. <paramref name="positions"/>, each of length Window).
    /// </summary>
    public static void Readout(
        in AttentionLayout layout,
        ReadOnlySpan<float> p,
        ReadOnlySpan<float> embeddings,
        ReadOnlySpan<int> items,
        ReadOnlySpan<int> ticks,
        ReadOnlySpan<float> logDwell,
        ReadOnlySpan<byte> positions,
        int count,
        int now,
        Span<float> hidden,
        Span<float> scratch)
    {
        var h = layout.Hidden;
        var window = layout.Window;
        var n = Math.Min(count, window);
        var tokens = n + 1;
        var x = scratch[..(tokens * h)];
        var next = scratch.Slice(window * h + h, tokens * h);
        var keys = scratch.Slice(2 * (window + 1) * h, tokens * h);
        var values = scratch.Slice(3 * (window + 1) * h, tokens * h);
        var rest = scratch[(4 * (window + 1) * h)..];
        var q = rest[..h];
        var z = rest.Slice(h, h);
        var y = rest.Slice(2 * h, h);
        var m = rest.Slice(3 * h, h);
        var a = rest.Slice(4 * h, layout.Inputs);
        var weights = rest.Slice((4 * h) + layout.Inputs, tokens);
        Span<int> tokenTicks = stackalloc int[tokens];
        for (var j = 0; j < n; j++)
        {
            var s = Slot(count, window, j);
            Input(layout, embeddings, items[s], logDwell[s], positions[s], a);
            tokenTicks[j] = ticks[s];
            var rank = layout.RankOffset + ((n - 1 - j) * h);
            for (var o = 0; o < h; o++)
            {
                var sum = p[layout.InBiasOffset + o];
                for (var i = 0; i < layout.Inputs; i++)
                {
                    sum += a[i] * p[(i * h) + o];
                }

                x[(j * h) + o] = sum + p[rank + o];
            }
        }

        tokenTicks[n] = now;
        p.Slice(layout.QueryOffset, h).CopyTo(x.Slice(n * h, h));
        var dh = h / layout.Heads;
        var norm = 1f / MathF.Sqrt(dh);
        for (var l = 0; l < layout.Layers; l++)
        {
            var qkv = layout.QkvOffset(l);
            for (var j = 0; j < tokens; j++)
            {
                for (var o = 0; o < h; o++)
                {
                    float k = 0f, v = 0f;
                    for (var i = 0; i < h; i++)
                    {
                        var xi = x[(j * h) + i];
                        k += xi * p[qkv + (i * 3 * h) + h + o];
                        v += xi * p[qkv + (i * 3 * h) + (2 * h) + o];
                    }

                    keys[(j * h) + o] = k;
                    values[(j * h) + o] = v;
                }
            }

            var first = l == layout.Layers - 1 ? n : 0;
            for (var t = first; t < tokens; t++)
            {
                var xt = x.Slice(t * h, h);
                for (var o = 0; o < h; o++)
                {
                    var sum = 0f;
                    for (var i = 0; i < h; i++)
                    {
                        sum += xt[i] * p[qkv + (i * 3 * h) + o];
                    }

                    q[o] = sum;
                }

                for (var head = 0; head < layout.Heads; head++)
                {
                    var slice = head * dh;
                    var max = float.NegativeInfinity;
                    for (var j = 0; j <= t; j++)
                    {
                        var interval = layout.TimeAware ? layout.IntervalKOffset(l) + (AttentionLayout.Bucket(tokenTicks[t] - tokenTicks[j]) * h) + slice : -1;
                        var logit = 0f;
                        for (var c = 0; c < dh; c++)
                        {
                            var key = keys[(j * h) + slice + c];
                            if (interval >= 0)
                            {
                                key += p[interval + c];
                            }

                            logit += q[slice + c] * key;
                        }

                        weights[j] = logit * norm;
                        max = MathF.Max(max, weights[j]);
                    }

                    var total = Exponentiate(weights[..(t + 1)], max);

                    for (var c = 0; c < dh; c++)
                    {
                        var sum = 0f;
                        for (var j = 0; j <= t; j++)
                        {
                            var value = values[(j * h) + slice + c];
                            if (layout.TimeAware)
                            {
                                value += p[layout.IntervalVOffset(l) + (AttentionLayout.Bucket(tokenTicks[t] - tokenTicks[j]) * h) + slice + c];
                            }

                            sum += weights[j] / total * value;
                        }

                        z[slice + c] = sum;
                    }
                }

                Dense(p, layout.OOffset(l), layout.OBiasOffset(l), z, h, y);
                for (var o = 0; o < h; o++)
                {
                    y[o] += xt[o];
                }

                Dense(p, layout.Ffn1Offset(l), layout.Ffn1BiasOffset(l), y, h, m);
                for (var o = 0; o < h; o++)
                {
                    m[o] = MathF.Max(m[o], 0f);
                }

                var output = next.Slice(t * h, h);
                Dense(p, layout.Ffn2Offset(l), layout.Ffn2BiasOffset(l), m, h, output);
                for (var o = 0; o < h; o++)
                {
                    output[o] += y[o];
                }
            }

            next.Slice(first * h, (tokens - first) * h).CopyTo(x.Slice(first * h));
        }

        x.Slice(n * h, h).CopyTo(hidden);
    }

    /// <summary>Replaces each logit by exp(logit - max), the softmax's numerators, and returns their sum.</summary>
    public static float Exponentiate(Span<float> logits, float max)
    {
        var total = 0f;
        for (var j = 0; j < logits.Length; j++)
        {
            logits[j] = MathF.Exp(logits[j] - max);
            total += logits[j];
        }

        return total;
    }

    /// <summary>The input vector of one event: [E_item, DwellScale ln(1 + dwell), position / K].</summary>
    public static void Input(in AttentionLayout layout, ReadOnlySpan<float> embeddings, int item, float logDwell, byte position, Span<float> a)
    {
        embeddings.Slice(item * layout.Dim, layout.Dim).CopyTo(a);
        a[layout.Dim] = AttentionLayout.DwellScale * logDwell;
        a[layout.Dim + 1] = (float)position / layout.K;
    }

    /// <summary>y = x W + b with W [h x h] input-major at <paramref name="w"/> and b at <paramref name="b"/>.</summary>
    private static void Dense(ReadOnlySpan<float> p, int w, int b, ReadOnlySpan<float> x, int h, Span<float> y)
    {
        for (var o = 0; o < h; o++)
        {
            var sum = p[b + o];
            for (var i = 0; i < h; i++)
            {
                sum += x[i] * p[w + (i * h) + o];
            }

            y[o] = sum;
        }
    }
}
