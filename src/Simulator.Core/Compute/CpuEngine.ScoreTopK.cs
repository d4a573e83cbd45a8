using System.Runtime.CompilerServices;
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

        if (TryPrefilteredScoreTopK(op))
        {
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
    /// buffer and notes each 16-item tile's maximum. A value that at least k tile maxima reach is a
    /// score that at least k items reach, so it bounds the chunk's k-th best from below
    /// (<see cref="ChunkFloor"/>); pass 2 offers only items at or above it (and above the row's
    /// current k-th best). When k exceeds the tile count (linucb's candidate pool), the maxima of
    /// 8-item half tiles give the bound instead.
    /// A single pass in index order would insert about k (1 + ln(M/k)) times per user, which cost
    /// more than the dot products themselves.
    /// </summary>
    private static unsafe void ScoreRows(in ScoreTopKOperands op, float[] itemsT, float[] bias, int padded, int start, int end)
    {
        var k = op.K;
        var d = op.Dim;
        var topScores = stackalloc float[4 * k];
        var topItems = stackalloc int[4 * k];
        var tile = stackalloc float[64];
        var chunkTiles = ScoreChunkItems / 16;
        var tileMax = stackalloc float[4 * chunkTiles];
        var halfMax = stackalloc float[2 * chunkTiles];
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
                    for (var r = 0; r < valid; r++)
                    {
                        var row = scores + (r * ScoreChunkItems);
                        var floor = ChunkFloor(row, tileMax + (r * chunkTiles), tiles, k, halfMax, kthMax);
                        var rowScores = topScores + (r * k);
                        var rowItems = topItems + (r * k);
                        for (var t = 0; t < tiles; t++)
                        {
                            var low = Vector256.Load(row + (t * 16));
                            var high = Vector256.Load(row + (t * 16) + 8);
                            var bound = Vector256.Create(MathF.Max(floor, rowScores[k - 1]));

                            // Items arrive in increasing index order, so an equal score never
                            // outranks a kept item (ties go to the smaller index); InsertLanes
                            // applies the exact strict test, this one only has to let candidates by.
                            var mask = Vector256.GreaterThanOrEqual(low, bound).ExtractMostSignificantBits()
                                       | (Vector256.GreaterThanOrEqual(high, bound).ExtractMostSignificantBits() << 8);
                            if (mask != 0)
                            {
                                InsertLanes(rowScores, rowItems, k, row + (t * 16), first + (t * 16), mask);
                            }
                        }
                    }
                }

                for (var r = 0; r < valid; r++)
                {
                    new Span<float>(topScores + (r * k), k).CopyTo(op.TopScores.Host.AsSpan((u + r) * k, k));
                    new Span<int>(topItems + (r * k), k).CopyTo(op.TopItems.Host.AsSpan((u + r) * k, k));
                }
            }
        }
    }

    /// <summary>
    /// A score that at least k items of the chunk reach (so no item below it can be among the k
    /// best): nearly the k-th largest 16-item tile maximum, or, when there are fewer than k tiles,
    /// of the 8-item half-tile maxima; -infinity when even those are fewer than k.
    /// </summary>
    private static unsafe float ChunkFloor(float* row, float* tileMax, int tiles, int k, float* halfMax, float* best)
    {
        if (tiles >= k)
        {
            return k <= MaxBisectedK ? FloorByCount(tileMax, tiles, k) : KthLargest(tileMax, tiles, k, best);
        }

        if (2 * tiles < k)
        {
            return float.NegativeInfinity;
        }

        for (var t = 0; t < tiles; t++)
        {
            halfMax[2 * t] = MaxAcross(Vector256.Load(row + (t * 16)));
            halfMax[(2 * t) + 1] = MaxAcross(Vector256.Load(row + (t * 16) + 8));
        }

        return k <= MaxBisectedK ? FloorByCount(halfMax, 2 * tiles, k) : KthLargest(halfMax, 2 * tiles, k, best);
    }

    /// <summary>Bisection steps of <see cref="FloorByCount"/>: the bracket shrinks 256-fold.</summary>
    private const int FloorSteps = 8;

    /// <summary>
    /// Up to this k the floor comes from <see cref="FloorByCount"/>; above it from the exact
    /// <see cref="KthLargest"/>: each extra candidate that the approximate floor lets through
    /// costs an insertion of up to k moves, which for linucb's pool of 40 outweighed the saving
    /// (measured).
    /// </summary>
    private const int MaxBisectedK = 16;

    /// <summary>
    /// A value that at least k of the n values reach, close to the k-th largest: a bisection
    /// between their minimum and maximum on the count of values at or above the midpoint, which
    /// keeps that count at k or more throughout. Counting is a few vector compares per step; an
    /// exact selection by insertion mispredicted its branches on nearly every value. Returns
    /// -infinity (no filtering) when fewer than k values are comparable numbers or the range is
    /// not finite.
    /// </summary>
    private static unsafe float FloorByCount(float* values, int n, int k)
    {
        var lo = float.PositiveInfinity;
        var hi = float.NegativeInfinity;
        var numbers = 0;
        for (var i = 0; i < n; i++)
        {
            var v = values[i];
            if (!float.IsNaN(v))
            {
                numbers++;
                lo = MathF.Min(lo, v);
                hi = MathF.Max(hi, v);
            }
        }

        if (numbers < k || !float.IsFinite(lo) || !float.IsFinite(hi))
        {
            return float.NegativeInfinity;
        }

        for (var step = 0; step < FloorSteps; step++)
        {
            var mid = 0.5f * (lo + hi);
            if (!(mid > lo && mid < hi))
            {
                break;
            }

            if (CountAtLeast(values, n, mid) >= k)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
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

    /// <summary>How many of the n values are at or above the bound (NaN never is).</summary>
    private static unsafe int CountAtLeast(float* values, int n, float bound)
    {
        var b = Vector256.Create(bound);
        var count = 0;
        var i = 0;
        for (; i + 8 <= n; i += 8)
        {
            count += System.Numerics.BitOperations.PopCount(Vector256.GreaterThanOrEqual(Vector256.Load(values + i), b).ExtractMostSignificantBits());
        }

        for (; i < n; i++)
        {
            count += values[i] >= bound ? 1 : 0;
        }

        return count;
    }

    private static float MaxAcross(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>
    /// Inserts the masked lanes into a row's best-first list of k (empty slots -infinity), which
    /// stays sorted, so no final sort is needed. Lanes come in increasing item index, after every
    /// kept item, so a lane enters only with a strictly higher score than the last kept entry and
    /// moves up only past strictly lower scores: ties keep the smaller index first.
    /// </summary>
    private static unsafe void InsertLanes(float* scores, int* items, int k, float* lanes, int column, uint mask)
    {
        while (mask != 0)
        {
            var lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            Offer(scores, items, k, lanes[lane], column + lane);
        }
    }

    /// <summary>
    /// The fp32 path's insertion of one candidate (each lane of <see cref="InsertLanes"/>, and the
    /// prefilter's rescored survivors): a score enters only when strictly above the last kept one
    /// (never NaN or -infinity) and moves up only past strictly lower scores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Offer(float* topScores, int* topItems, int k, float score, int item)
    {
        if (!(score > topScores[k - 1]))
        {
            return;
        }

        var j = k - 1;
        while (j > 0 && topScores[j - 1] < score)
        {
            topScores[j] = topScores[j - 1];
            topItems[j] = topItems[j - 1];
            j--;
        }

        topScores[j] = score;
        topItems[j] = item;
    }

    /// <summary>Tag of the score chunk buffer.</summary>
    private readonly struct ScoreChunk;

    /// <summary>Tag of the item tiles packed for one call (read by every worker of that call).</summary>
    private readonly struct PackedItems;

    /// <summary>Tag of the padded item bias of one call.</summary>
    private readonly struct PackedBias;
}
