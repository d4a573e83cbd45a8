using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute.Operators;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of the fused score + top-k operands.</summary>
internal struct ScoreTopKViews
{
    public ArrayView<float> UserVectors;
    public ArrayView<float> Items;
    public ArrayView<float> ItemBias;
    public ArrayView<int> TopItems;
    public ArrayView<float> TopScores;
}

/// <summary>Scalar score + top-k operands plus the launch-derived item tile length.</summary>
internal struct ScoreTopKScalars
{
    public int Users;
    public int ItemCount;
    public int Dim;
    public int K;
    public int HasBias;

    /// <summary>Items staged per shared-memory tile: a multiple of <see cref="ScoreTopKKernel.ItemsPerStep"/>.</summary>
    public int TileItems;
}

/// <summary>
/// Fused score and top-k without a score matrix. Layout of the work:
/// <list type="bullet">
/// <item>A group of G threads owns a block of 4G users; thread t scores users t, t+G, t+2G, t+3G.
/// The block's user vectors are staged once in shared memory, transposed ([g][user]) so that a
/// warp reads 32 consecutive floats (no bank conflicts).</item>
/// <item>Items stream through a shared tile ([item][g]); every thread reads the same item float,
/// which is a broadcast.</item>
/// <item>Each step scores 4 users x 4 items with 16 register accumulators, so one shared load
/// feeds two FMAs instead of one (the loop is shared-load bound, not FMA bound).</item>
/// <item>Each user keeps its k best in local memory, best first; the current worst is held in
/// registers so most candidates cost one comparison. Items are offered in ascending index order,
/// and <see cref="TopKMath.Before"/> breaks ties, so the order equals the reference's.</item>
/// </list>
/// Static shared memory: 32 KB users + 8 KB items + 1 KB bias = 41 KB, under the 48 KB limit.
/// </summary>
internal static class ScoreTopKKernel
{
    public const int MaxDim = 128;
    public const int MaxK = 64;
    public const int UsersPerThread = 4;
    public const int ItemsPerStep = 4;
    public const int UserTileFloats = 8192;
    public const int ItemTileFloats = 2048;
    public const int MaxTileItems = 256;
    public const int MaxGroupSize = 64;

    /// <summary>Largest power-of-two group size whose user block fits the shared user tile.</summary>
    public static int GroupSizeFor(int dim, int deviceMaxGroup)
    {
        var limit = Math.Min(Math.Min(MaxGroupSize, deviceMaxGroup), UserTileFloats / (UsersPerThread * dim));
        var g = 1;
        while (g * 2 <= limit)
        {
            g *= 2;
        }

        return g;
    }

    /// <summary>Items per tile for a dimension: fills the item tile, rounded down to whole steps.</summary>
    public static int TileItemsFor(int dim)
    {
        var items = Math.Min(MaxTileItems, ItemTileFloats / dim);
        return items / ItemsPerStep * ItemsPerStep;
    }

    /// <summary>
    /// The kernel. <paramref name="dim"/> and <paramref name="group"/> are specialised (compile-time
    /// constants per launch shape): the inner loop's bound and the shared-memory offsets become
    /// immediates, which removes most of the index arithmetic and lets the PTX JIT unroll.
    /// <paramref name="group"/> must equal the launch's group size.
    /// </summary>
    public static void Kernel(ScoreTopKViews v, ScoreTopKScalars s, SpecializedValue<int> dim, SpecializedValue<int> group)
    {
        var userTile = SharedMemory.Allocate<float>(UserTileFloats);
        var itemTile = SharedMemory.Allocate<float>(ItemTileFloats);
        var biasTile = SharedMemory.Allocate<float>(MaxTileItems);
        var topScores = LocalMemory.Allocate<float>(UsersPerThread * MaxK);
        var topItems = LocalMemory.Allocate<int>(UsersPerThread * MaxK);

        var groupSize = group.Value;
        var t = Group.IdxX;
        var d = dim.Value;
        var k = s.K;
        var blockUsers = UsersPerThread * groupSize;

        // Uniform per group: every thread of a group runs the same number of iterations, which
        // the barriers below require.
        for (var blockBase = (long)Grid.IdxX * blockUsers; blockBase < s.Users; blockBase += (long)Grid.DimX * blockUsers)
        {
            var count = (int)Math.Min(blockUsers, s.Users - blockBase);

            // Stage the block's user rows: coalesced global reads, transposed shared writes.
            var n = count * d;
            var userSource = blockBase * d;
            for (var x = t; x < n; x += groupSize)
            {
                var lu = x / d;
                var g = x - (lu * d);
                userTile[(g * blockUsers) + lu] = v.UserVectors[userSource + x];
            }

            for (var j = 0; j < UsersPerThread * MaxK; j++)
            {
                topScores[j] = float.NegativeInfinity;
                topItems[j] = int.MaxValue;
            }

            var live0 = t < count;
            var live1 = t + groupSize < count;
            var live2 = t + (2 * groupSize) < count;
            var live3 = t + (3 * groupSize) < count;
            float w0s = float.NegativeInfinity, w1s = float.NegativeInfinity, w2s = float.NegativeInfinity, w3s = float.NegativeInfinity;
            int w0i = int.MaxValue, w1i = int.MaxValue, w2i = int.MaxValue, w3i = int.MaxValue;

            Group.Barrier();

            for (var tileStart = 0; tileStart < s.ItemCount; tileStart += s.TileItems)
            {
                var tileCount = Math.Min(s.TileItems, s.ItemCount - tileStart);
                var m = tileCount * d;
                var itemSource = (long)tileStart * d;
                for (var x = t; x < m; x += groupSize)
                {
                    itemTile[x] = v.Items[itemSource + x];
                }

                if (s.HasBias != 0)
                {
                    for (var x = t; x < tileCount; x += groupSize)
                    {
                        biasTile[x] = v.ItemBias[tileStart + x];
                    }
                }

                Group.Barrier();

                // Steps may run past tileCount (stale tile entries, never offered); indices stay
                // inside the tiles because TileItems is a multiple of ItemsPerStep.
                for (var i = 0; i < tileCount; i += ItemsPerStep)
                {
                    float b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f;
                    if (s.HasBias != 0)
                    {
                        b0 = biasTile[i];
                        b1 = biasTile[i + 1];
                        b2 = biasTile[i + 2];
                        b3 = biasTile[i + 3];
                    }

                    float a00 = b0, a01 = b1, a02 = b2, a03 = b3;
                    float a10 = b0, a11 = b1, a12 = b2, a13 = b3;
                    float a20 = b0, a21 = b1, a22 = b2, a23 = b3;
                    float a30 = b0, a31 = b1, a32 = b2, a33 = b3;
                    var o0 = i * d;
                    var o1 = o0 + d;
                    var o2 = o1 + d;
                    var o3 = o2 + d;
                    var ub = t;
                    for (var g = 0; g < d; g++)
                    {
                        var u0 = userTile[ub];
                        var u1 = userTile[ub + groupSize];
                        var u2 = userTile[ub + (2 * groupSize)];
                        var u3 = userTile[ub + (3 * groupSize)];
                        var i0 = itemTile[o0 + g];
                        var i1 = itemTile[o1 + g];
                        var i2 = itemTile[o2 + g];
                        var i3 = itemTile[o3 + g];
                        a00 += u0 * i0;
                        a01 += u0 * i1;
                        a02 += u0 * i2;
                        a03 += u0 * i3;
                        a10 += u1 * i0;
                        a11 += u1 * i1;
                        a12 += u1 * i2;
                        a13 += u1 * i3;
                        a20 += u2 * i0;
                        a21 += u2 * i1;
                        a22 += u2 * i2;
                        a23 += u2 * i3;
                        a30 += u3 * i0;
                        a31 += u3 * i1;
                        a32 += u3 * i2;
                        a33 += u3 * i3;
                        ub += blockUsers;
                    }

                    var item = tileStart + i;
                    var left = tileCount - i;
                    if (live0)
                    {
                        Offer4(topScores, topItems, 0, k, item, left, a00, a01, a02, a03, ref w0s, ref w0i);
                    }

                    if (live1)
                    {
                        Offer4(topScores, topItems, MaxK, k, item, left, a10, a11, a12, a13, ref w1s, ref w1i);
                    }

                    if (live2)
                    {
                        Offer4(topScores, topItems, 2 * MaxK, k, item, left, a20, a21, a22, a23, ref w2s, ref w2i);
                    }

                    if (live3)
                    {
                        Offer4(topScores, topItems, 3 * MaxK, k, item, left, a30, a31, a32, a33, ref w3s, ref w3i);
                    }
                }

                // The next tile overwrites the shared tiles: wait until every thread is done.
                Group.Barrier();
            }

            for (var r = 0; r < UsersPerThread; r++)
            {
                var lu = t + (r * groupSize);
                if (lu < count)
                {
                    var outRow = (blockBase + lu) * k;
                    for (var j = 0; j < k; j++)
                    {
                        v.TopItems[outRow + j] = topItems[(r * MaxK) + j];
                        v.TopScores[outRow + j] = topScores[(r * MaxK) + j];
                    }
                }
            }

            // The next block overwrites the user tile.
            Group.Barrier();
        }
    }

    /// <summary>Offers up to four consecutive items (item, item+1, ...) in ascending index order.</summary>
    private static void Offer4(
        ArrayView<float> scores,
        ArrayView<int> items,
        int row,
        int k,
        int item,
        int left,
        float s0,
        float s1,
        float s2,
        float s3,
        ref float worstScore,
        ref int worstItem)
    {
        Offer(scores, items, row, k, s0, item, ref worstScore, ref worstItem);
        if (left > 1)
        {
            Offer(scores, items, row, k, s1, item + 1, ref worstScore, ref worstItem);
        }

        if (left > 2)
        {
            Offer(scores, items, row, k, s2, item + 2, ref worstScore, ref worstItem);
        }

        if (left > 3)
        {
            Offer(scores, items, row, k, s3, item + 3, ref worstScore, ref worstItem);
        }
    }

    /// <summary>
    /// The kernel form of <see cref="TopKMath.Offer"/>: a threshold test against the worst kept
    /// candidate (in registers), then an insertion shift in the best-first list.
    /// </summary>
    private static void Offer(
        ArrayView<float> scores,
        ArrayView<int> items,
        int row,
        int k,
        float score,
        int item,
        ref float worstScore,
        ref int worstItem)
    {
        if (!TopKMath.Before(score, item, worstScore, worstItem))
        {
            return;
        }

        var j = k - 1;
        while (j > 0 && TopKMath.Before(score, item, scores[row + j - 1], items[row + j - 1]))
        {
            scores[row + j] = scores[row + j - 1];
            items[row + j] = items[row + j - 1];
            j--;
        }

        scores[row + j] = score;
        items[row + j] = item;
        worstScore = scores[row + k - 1];
        worstItem = items[row + k - 1];
    }
}
