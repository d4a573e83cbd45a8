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

        var padded = (op.ItemCount + 15) & ~15;
        var itemsT = GC.AllocateUninitializedArray<float>(op.Dim * padded, pinned: true);
        var bias = GC.AllocateUninitializedArray<float>(padded, pinned: true);
        PackItems(op, padded, itemsT, bias);
        var operands = op;
        ForEachChunk(op.Users, ScoreChunkUsers, (start, end) => ScoreRows(operands, itemsT, bias, padded, start, end));
    }

    private static void PackItems(in ScoreTopKOperands op, int padded, float[] packed, float[] bias)
    {
        var items = op.Items.Host;
        Array.Clear(packed);
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

    private static unsafe void ScoreRows(in ScoreTopKOperands op, float[] itemsT, float[] bias, int padded, int start, int end)
    {
        var k = op.K;
        var d = op.Dim;
        var topScores = stackalloc float[4 * k];
        var topItems = stackalloc int[4 * k];
        var tile = stackalloc float[64];
        fixed (float* users = op.UserVectors.Host)
        fixed (float* b = itemsT)
        fixed (float* biasPtr = bias)
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
                var topK = new TopKFilter(topScores, topItems, k, biasPtr);
                for (var column = 0; column < padded; column += 16)
                {
                    Tile4x16.Multiply(a0, a1, a2, a3, b + ((long)column * d), 16, d, tile);
                    for (var r = 0; r < 4; r++)
                    {
                        topK.Row(r, column, Vector256.Load(tile + (16 * r)), Vector256.Load(tile + (16 * r) + 8));
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

    /// <summary>Adds item bias, then offers only the lanes that beat the row's current k-th score.</summary>
    private readonly unsafe struct TopKFilter(float* scores, int* items, int k, float* bias)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(int row, int column, Vector256<float> low, Vector256<float> high)
        {
            var rowScores = scores + (row * k);
            low += Vector256.Load(bias + column);
            high += Vector256.Load(bias + column + 8);
            var threshold = Vector256.Create(rowScores[k - 1]);

            // Items arrive in increasing index order, so an equal score never outranks a kept
            // item (ties go to the smaller index): strictly greater is the exact filter.
            var lowMask = Vector256.GreaterThan(low, threshold).ExtractMostSignificantBits();
            var highMask = Vector256.GreaterThan(high, threshold).ExtractMostSignificantBits();
            if ((lowMask | highMask) != 0)
            {
                Offer(row, column, low, lowMask);
                Offer(row, column + 8, high, highMask);
            }
        }

        /// <summary>Offers only the lanes flagged in mask, re-checking each against the rising threshold.</summary>
        private void Offer(int row, int column, Vector256<float> values, uint mask)
        {
            if (mask == 0)
            {
                return;
            }

            var rowScores = new Span<float>(scores + (row * k), k);
            var rowItems = new Span<int>(items + (row * k), k);
            var lanes = stackalloc float[Vector256<float>.Count];
            values.Store(lanes);
            while (mask != 0)
            {
                var lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                if (lanes[lane] > rowScores[k - 1])
                {
                    TopKMath.Offer(rowItems, rowScores, lanes[lane], column + lane);
                }
            }
        }
    }
}
