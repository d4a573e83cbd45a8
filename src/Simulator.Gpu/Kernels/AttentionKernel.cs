using ILGPU;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of the attention readout, with the per-user scratch rows of one launch.</summary>
internal struct AttentionViews
{
    public ArrayView<float> Parameters;
    public ArrayView<float> Embeddings;
    public ArrayView<int> Items;
    public ArrayView<int> Ticks;
    public ArrayView<float> LogDwell;
    public ArrayView<byte> Positions;
    public ArrayView<int> Counts;
    public ArrayView<float> Hidden;
    public ArrayView<float> Scratch;
}

/// <summary>The layout's numbers as plain ints, and the launch's users [First, First + Users).</summary>
internal struct AttentionScalars
{
    public int First;
    public int Users;
    public int Dim;
    public int Hidden;
    public int Window;
    public int Layers;
    public int Heads;
    public int TimeAware;
    public int K;
    public int Now;
    public int ScratchLength;

    public static AttentionScalars Of(AttentionLayout layout, int first, int users, int now) => new()
    {
        First = first,
        Users = users,
        Dim = layout.Dim,
        Hidden = layout.Hidden,
        Window = layout.Window,
        Layers = layout.Layers,
        Heads = layout.Heads,
        TimeAware = layout.TimeAware ? 1 : 0,
        K = layout.K,
        Now = now,
        ScratchLength = AttentionMath.ScratchLength(layout),
    };
}

/// <summary>
/// The attention readout, one user per thread (a grid-stride loop over the launch's users), the
/// user's tokens, keys and values in its own scratch row of global memory: the same order of
/// operations as the scalar reference, so the CPU accelerator matches it to rounding. A first,
/// plain version: simple and exact, not tuned (no shared-memory tiles of the weights).
/// </summary>
internal static class AttentionKernel
{
    public static void Kernel(AttentionViews v, AttentionScalars s)
    {
        var stride = Grid.DimX * Group.DimX;
        for (var b = Grid.GlobalIndex.X; b < s.Users; b += stride)
        {
            Readout(v, s, b);
        }
    }

    private static void Readout(AttentionViews v, AttentionScalars s, int b)
    {
        var u = s.First + b;
        var layout = new AttentionLayout(s.Dim, s.Hidden, s.Window, s.Layers, s.Heads, s.TimeAware != 0, s.K);
        var h = s.Hidden;
        var window = s.Window;
        var inputs = s.Dim + 2;
        var count = v.Counts[u];
        var n = count < window ? count : window;
        var tokens = n + 1;
        var baseOffset = (long)b * s.ScratchLength;
        var x = baseOffset;
        var next = baseOffset + ((window + 1) * h);
        var keys = baseOffset + (2 * (window + 1) * h);
        var values = baseOffset + (3 * (window + 1) * h);
        var q = baseOffset + (4 * (window + 1) * h);
        var z = q + h;
        var y = q + (2 * h);
        var m = q + (3 * h);
        var weights = q + (4 * h) + inputs;
        var sc = v.Scratch;
        var p = v.Parameters;
        var ring = (long)u * window;
        for (var j = 0; j < n; j++)
        {
            var slot = ring + AttentionMath.Slot(count, window, j);
            var item = (long)v.Items[slot];
            var rank = layout.RankOffset + ((n - 1 - j) * h);
            for (var o = 0; o < h; o++)
            {
                var sum = p[layout.InBiasOffset + o];
                for (var i = 0; i < s.Dim; i++)
                {
                    sum += v.Embeddings[(item * s.Dim) + i] * p[(i * h) + o];
                }

                sum += AttentionLayout.DwellScale * v.LogDwell[slot] * p[(s.Dim * h) + o];
                sum += ((float)v.Positions[slot] / s.K) * p[((s.Dim + 1) * h) + o];
                sc[x + (j * h) + o] = sum + p[rank + o];
            }
        }

        for (var o = 0; o < h; o++)
        {
            sc[x + (n * h) + o] = p[layout.QueryOffset + o];
        }

        var dh = h / s.Heads;
        var norm = 1f / MathF.Sqrt(dh);
        for (var l = 0; l < s.Layers; l++)
        {
            var qkv = layout.QkvOffset(l);
            for (var j = 0; j < tokens; j++)
            {
                for (var o = 0; o < h; o++)
                {
                    var key = 0f;
                    var value = 0f;
                    for (var i = 0; i < h; i++)
                    {
                        var xi = sc[x + (j * h) + i];
                        key += xi * p[qkv + (i * 3 * h) + h + o];
                        value += xi * p[qkv + (i * 3 * h) + (2 * h) + o];
                    }

                    sc[keys + (j * h) + o] = key;
                    sc[values + (j * h) + o] = value;
                }
            }

            var first = l == s.Layers - 1 ? n : 0;
            for (var t = first; t < tokens; t++)
            {
                var tickT = t < n ? v.Ticks[ring + AttentionMath.Slot(count, window, t)] : s.Now;
                for (var o = 0; o < h; o++)
                {
                    var sum = 0f;
                    for (var i = 0; i < h; i++)
                    {
                        sum += sc[x + (t * h) + i] * p[qkv + (i * 3 * h) + o];
                    }

                    sc[q + o] = sum;
                }

                for (var head = 0; head < s.Heads; head++)
                {
                    var slice = head * dh;
                    var max = float.NegativeInfinity;
                    for (var j = 0; j <= t; j++)
                    {
                        var bucket = s.TimeAware != 0 ? AttentionLayout.Bucket(tickT - TokenTick(v, s, ring, count, n, j)) : 0;
                        var logit = 0f;
                        for (var c = 0; c < dh; c++)
                        {
                            var key = sc[keys + (j * h) + slice + c];
                            if (s.TimeAware != 0)
                            {
                                key += p[layout.IntervalKOffset(l) + (bucket * h) + slice + c];
                            }

                            logit += sc[q + slice + c] * key;
                        }

                        var scaled = logit * norm;
                        sc[weights + j] = scaled;
                        max = scaled > max ? scaled : max;
                    }

                    var total = 0f;
                    for (var j = 0; j <= t; j++)
                    {
                        var e = MathF.Exp(sc[weights + j] - max);
                        sc[weights + j] = e;
                        total += e;
                    }

                    for (var c = 0; c < dh; c++)
                    {
                        var sum = 0f;
                        for (var j = 0; j <= t; j++)
                        {
                            var value = sc[values + (j * h) + slice + c];
                            if (s.TimeAware != 0)
                            {
                                var bucket = AttentionLayout.Bucket(tickT - TokenTick(v, s, ring, count, n, j));
                                value += p[layout.IntervalVOffset(l) + (bucket * h) + slice + c];
                            }

                            sum += sc[weights + j] / total * value;
                        }

                        sc[z + slice + c] = sum;
                    }
                }

                Dense(p, layout.OOffset(l), layout.OBiasOffset(l), sc, z, h, y);
                for (var o = 0; o < h; o++)
                {
                    sc[y + o] += sc[x + (t * h) + o];
                }

                Dense(p, layout.Ffn1Offset(l), layout.Ffn1BiasOffset(l), sc, y, h, m);
                for (var o = 0; o < h; o++)
                {
                    sc[m + o] = sc[m + o] > 0f ? sc[m + o] : 0f;
                }

                Dense(p, layout.Ffn2Offset(l), layout.Ffn2BiasOffset(l), sc, m, h, next + (t * h));
                for (var o = 0; o < h; o++)
                {
                    sc[next + (t * h) + o] += sc[y + o];
                }
            }

            for (var e = first * h; e < tokens * h; e++)
            {
                sc[x + e] = sc[next + e];
            }
        }

        for (var o = 0; o < h; o++)
        {
            v.Hidden[((long)u * h) + o] = sc[x + (n * h) + o];
        }
    }

    private static int TokenTick(AttentionViews v, AttentionScalars s, long ring, int count, int n, int j) =>
        j < n ? v.Ticks[ring + AttentionMath.Slot(count, s.Window, j)] : s.Now;

    /// <summary>scratch[y..y+h) = scratch[x..x+h) W + b, W [h x h] input-major at w.</summary>
    private static void Dense(ArrayView<float> p, int w, int b, ArrayView<float> scratch, long x, int h, long y)
    {
        for (var o = 0; o < h; o++)
        {
            var sum = p[b + o];
            for (var i = 0; i < h; i++)
            {
                sum += scratch[x + i] * p[w + (i * h) + o];
            }

            scratch[y + o] = sum;
        }
    }
}
