using System.Runtime.Intrinsics;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

public sealed partial class CpuEngine
{
    private const int ScoreChunkUsers = 64;

    /// <summary>
    /// Fused score + top-k. Items are packed once per call into tiles of 16 items, each tile
    /// dimension-major and contiguous ([M16/16][d][16], M16 = M rounded up to 16): the
    /// micro-kernel then streams one contiguous 64*d-byte block per tile, which the prefetcher
    /// follows (a plain [d x M] transpose made it hop between d rows 4 KB apart). Padding items
    /// get bias -infinity and never enter a top-k. Each 4 x 16 tile of
    /// scores is filtered against each user's current k-th best score in registers: only the rare
    /// lanes that beat it go to the scalar insertion, and no score matrix is ever stored.
    /// </summary>
    public void ScoreTopK(in ScoreTopKOperands op)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            _scalar.ScoreTopK(op);
            return;
        }

        var padded = (op.ItemCount + 15) & ~15;
        // Reused per calling thread: a fresh pinned pair per call went to the pinned object heap,
        // which only a gen-2 collection frees; with ~40 calls a tick (two per strategy world) that
        // forced frequent gen-2 collections.
        var itemsT = ThreadScratch<PackedItems>.For(op.Dim * padded);
        var bias = ThreadScratch<PackedBias>.For(padded);
        PackItems(op, padded, itemsT, bias);
        var operands = op;
        ForEachChunk(op.Users, ScoreChunkUsers, (start, end) => ScoreRows(operands, itemsT, bias, padded, start, end));
    }

    private static void PackItems(in ScoreTopKOperands op, int padded, float[] packed, float[] bias)
    {
        var items = op.Items.Host;
        Array.Clear(packed, 0, op.Dim * padded);
        for (var i = 0; i < op.ItemCount; i++)
        {
            var tile = (i / 16) * op.Dim * 16;
            for (var g = 0; g < op.Dim; g++)
            {
                packed[tile + (g * 16) + (i % 16)] = items[(i * op.Dim) + g];
            }
        }

        var source = op.ItemBias?.Host;
        for (var i = 0; i < padded; i++)
        {
            bias[i] = i >= op.ItemCount ? float.NegativeInfinity : source is null ? 0f : source[i];
        }
    }

    /// <summary>Items per chunk: 4 users x 2048 scores (32 KB) stay in L1/L2 between the two passes.</summary>
    private const int ScoreChunkItems = 2048;

    /// <summary>
    /// Two passes per chunk of items for each block of 4 users. Pass 1 computes the scores into a
    /// buffer and notes each 16-item tile's maximum. The k-th largest tile maximum is a score that
    /// at least k items reach, so it bounds the chunk's k-th best from below; pass 2 offers only
    /// items at or above it. A single pass in index order would insert about k (1 + ln(M/k))
    /// times per user, which cost more than the dot products themselves.
    /// </summary>
    private static unsafe void ScoreRows(in ScoreTopKOperands op, float[] itemsT, float[] bias, int padded, int start, int end)
    {
        var k = op.K;
        var d = op.Dim;
        var topScores = stackalloc float[4 * k];
        var topItems = stackalloc int[4 * k];
        var worst = stackalloc int[4];
        var thresholds = stackalloc float[4];
        var tile = stackalloc float[64];
        var chunkTiles = ScoreChunkItems / 16;
        var tileMax = stackalloc float[4 * chunkTiles];
        var kthMax = stackalloc float[k];
        var buffer = ThreadScratch<ScoreChunk>.For(4 * ScoreChunkItems);
        fixed (float* users = op.UserVectors.Host)
        fixed (float* b = itemsT)
        fixed (float* biasPtr = bias)
        fixed (float* scores = buffer)
        {
            for (var u = start; u < end; u += 4)
            {
                var valid = Math.Min(4, end - u);
                for (var r = 0; r < 4; r++)
                {
                    TopKMath.Clear(new Span<int>(topItems + (r * k), k), new Span<float>(topScores + (r * k), k));
                    worst[r] = 0;
                    thresholds[r] = float.NegativeInfinity;
                }

                // Rows past the end repeat the last valid user; their results are discarded.
                var a0 = users + ((long)u * d);
                var a1 = users + ((long)(u + Math.Min(1, valid - 1)) * d);
                var a2 = users + ((long)(u + Math.Min(2, valid - 1)) * d);
                var a3 = users + ((long)(u + Math.Min(3, valid - 1)) * d);
                for (var first = 0; first < padded; first += ScoreChunkItems)
                {
                    var count = Math.Min(ScoreChunkItems, padded - first);
                    var tiles = count / 16;

                    // Pass 1: scores (with bias) into the buffer, and each tile's maximum per row.
                    for (var t = 0; t < tiles; t++)
                    {
                        var column = first + (t * 16);
                        Tile4x16.Multiply(a0, a1, a2, a3, b + ((long)column * d), 16, d, tile);
                        var biasLow = Vector256.Load(biasPtr + column);
                        var biasHigh = Vector256.Load(biasPtr + column + 8);
                        for (var r = 0; r < 4; r++)
                        {
                            var low = Vector256.Load(tile + (16 * r)) + biasLow;
                            var high = Vector256.Load(tile + (16 * r) + 8) + biasHigh;
                            var row = scores + (r * ScoreChunkItems) + (t * 16);
                            low.Store(row);
                            high.Store(row + 8);
                            tileMax[(r * chunkTiles) + t] = MaxAcross(Vector256.Max(low, high));
                        }
                    }

                    // Pass 2: offer only what can still enter each row's top-k.
                    for (var r = 0; r < 4; r++)
                    {
                        var floor = KthLargest(tileMax + (r * chunkTiles), tiles, k, kthMax);
                        var row = scores + (r * ScoreChunkItems);
                        for (var t = 0; t < tiles; t++)
                        {
                            var low = Vector256.Load(row + (t * 16));
                            var high = Vector256.Load(row + (t * 16) + 8);
                            var bound = Vector256.Create(MathF.Max(floor, thresholds[r]));

                            // Items arrive in increasing index order, so an equal score never
                            // outranks a kept item (ties go to the smaller index); OfferLanes
                            // applies the exact strict test, this one only has to let candidates by.
                            var mask = Vector256.GreaterThanOrEqual(low, bound).ExtractMostSignificantBits()
                                       | (Vector256.GreaterThanOrEqual(high, bound).ExtractMostSignificantBits() << 8);
                            if (mask != 0)
                            {
                                OfferLanes(topScores + (r * k), topItems + (r * k), k, row + (t * 16), first + (t * 16), mask, ref worst[r], ref thresholds[r]);
                            }
                        }
                    }
                }

                for (var r = 0; r < valid; r++)
                {
                    var rowScores = op.TopScores.Host.AsSpan((u + r) * k, k);
                    var rowItems = op.TopItems.Host.AsSpan((u + r) * k, k);
                    new Span<float>(topScores + (r * k), k).CopyTo(rowScores);
                    new Span<int>(topItems + (r * k), k).CopyTo(rowItems);
                    SortBestFirst(rowItems, rowScores);
                }
            }
        }
    }

    private static float MaxAcross(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>The k-th largest of n values (-infinity when n &lt; k), by a best-first list of k.</summary>
    private static unsafe float KthLargest(float* values, int n, int k, float* best)
    {
        if (n < k)
        {
            return float.NegativeInfinity;
        }

        for (var j = 0; j < k; j++)
        {
            best[j] = float.NegativeInfinity;
        }

        for (var i = 0; i < n; i++)
        {
            var v = values[i];
            if (v <= best[k - 1])
            {
                continue;
            }

            var j = k - 1;
            while (j > 0 && best[j - 1] < v)
            {
                best[j] = best[j - 1];
                j--;
            }

            best[j] = v;
        }

        return best[k - 1];
    }

    /// <summary>
    /// Keeps the k best of a row unsorted and replaces the worst: an insertion costs one pass
    /// over k entries with no data-dependent shifting, which matters because a random scan order
    /// inserts about k (1 + ln(M/k)) times per user. The list is sorted once at the end.
    /// </summary>
    private static unsafe void OfferLanes(float* scores, int* items, int k, float* lanes, int column, uint mask, ref int worst, ref float threshold)
    {
        while (mask != 0)
        {
            var lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var score = lanes[lane];
            if (score <= threshold)
            {
                continue;
            }

            scores[worst] = score;
            items[worst] = column + lane;

            // The new worst: lowest score, and among equal scores the larger index (it ranks last).
            var w = 0;
            for (var j = 1; j < k; j++)
            {
                if (scores[j] < scores[w] || (scores[j] == scores[w] && items[j] > items[w]))
                {
                    w = j;
                }
            }

            worst = w;
            threshold = scores[w];
        }
    }

    /// <summary>Insertion sort into the shared best-first order (ties: smaller index first).</summary>
    private static void SortBestFirst(Span<int> items, Span<float> scores)
    {
        for (var i = 1; i < items.Length; i++)
        {
            var s = scores[i];
            var item = items[i];
            var j = i - 1;
            while (j >= 0 && TopKMath.Before(s, item, scores[j], items[j]))
            {
                scores[j + 1] = scores[j];
                items[j + 1] = items[j];
                j--;
            }

            scores[j + 1] = s;
            items[j + 1] = item;
        }
    }

    /// <summary>Tag of the score chunk buffer.</summary>
    private readonly struct ScoreChunk;

    /// <summary>Tag of the item tiles packed for one call (read by every worker of that call).</summary>
    private readonly struct PackedItems;

    /// <summary>Tag of the padded item bias of one call.</summary>
    private readonly struct PackedBias;
}
