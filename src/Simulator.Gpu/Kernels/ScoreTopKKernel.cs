using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute.Operators;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of the fused score + top-k operands.</summary>
internal struct ScoreTopKViews
{
    public ArrayView<float> UserVectors;

    /// <summary>Items re-laid out by <see cref="ScoreTopKKernel.TileItemsKernel"/>: [tile][g][item in tile], zero-padded.</summary>
    public ArrayView<float> ItemTiles;

    /// <summary>Item bias padded to whole tiles (zeros where there is no bias or no item).</summary>
    public ArrayView<float> BiasTiles;
    public ArrayView<int> TopItems;
    public ArrayView<float> TopScores;
}

/// <summary>Scalar score + top-k operands.</summary>
internal struct ScoreTopKScalars
{
    public int Users;
    public int ItemCount;
    public int Dim;
    public int K;
}

/// <summary>Views of the item re-layout pass.</summary>
internal struct ItemTileViews
{
    public ArrayView<float> Items;
    public ArrayView<float> ItemBias;
    public ArrayView<float> ItemTiles;
    public ArrayView<float> BiasTiles;
}

/// <summary>Shape of the item re-layout pass.</summary>
internal struct ItemTileScalars
{
    public int ItemCount;
    public int Dim;
    public int PaddedDim;
    public int TileItems;
    public int Tiles;
    public int HasBias;
}

/// <summary>
/// Fused score and top-k without a score matrix. Layout of the work:
/// <list type="bullet">
/// <item>The dimension is padded to a multiple of 4 (zeros), so 4 consecutive dims load as one
/// <see cref="Float4"/>. Adding the zero products leaves every sum exactly as in the reference.</item>
/// <item>A group of G threads owns a block of 4G users; thread t scores users t, t+G, t+2G, t+3G.
/// The block's user vectors are staged once in shared memory as [g/4][user] Float4s, so a warp
/// reads 512 consecutive bytes (no bank conflicts).</item>
/// <item>Items were re-laid out beforehand (<see cref="TileItemsKernel"/>) as [tile][g][item], so
/// staging a tile is a straight coalesced copy and 4 consecutive items at one dim are one
/// Float4; every thread reads the same one, which is a broadcast.</item>
/// <item>Each step scores 4 users x 4 items x 4 dims: 8 vector loads feed 64 FMAs in 16 register
/// accumulators, summing dims in ascending order as the reference does.</item>
/// <item>Each user keeps its k best in local memory, best first; the current worst score is held
/// in a register and compared with the best of each 4-item quad, so most quads cost one comparison
/// and never touch local memory. Items are offered in ascending index order
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

    /// <summary>The dimension rounded up to whole <see cref="Float4"/>s.</summary>
    public static int PaddedDim(int dim) => (dim + 3) / 4 * 4;

    /// <summary>Largest power-of-two group size whose user block fits the shared user tile.</summary>
    public static int GroupSizeFor(int dim, int deviceMaxGroup)
    {
        var limit = Math.Min(Math.Min(MaxGroupSize, deviceMaxGroup), UserTileFloats / (UsersPerThread * PaddedDim(dim)));
        var g = 1;
        while (g * 2 <= limit)
        {
            g *= 2;
        }

        return g;
    }

    /// <summary>Items per tile for a dimension: fills the item tile, a multiple of 4.</summary>
    public static int TileItemsFor(int dim)
    {
        var items = Math.Min(MaxTileItems, ItemTileFloats / PaddedDim(dim));
        return items / ItemsPerStep * ItemsPerStep;
    }

    /// <summary>
    /// Re-lays the item matrix out as zero-padded tiles [tile][g][item in tile] and the bias as
    /// zero-padded tiles (grid-stride over the output, so writes are coalesced; the item matrix
    /// is small enough that the strided reads hit L2).
    /// </summary>
    public static void TileItemsKernel(ItemTileViews v, ItemTileScalars s)
    {
        var perTile = s.PaddedDim * s.TileItems;
        var total = (long)s.Tiles * perTile;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            var tile = (int)(e / perTile);
            var rest = (int)(e - ((long)tile * perTile));
            var g = rest / s.TileItems;
            var item = (tile * s.TileItems) + (rest - (g * s.TileItems));
            v.ItemTiles[e] = item < s.ItemCount && g < s.Dim ? v.Items[((long)item * s.Dim) + g] : 0f;
        }

        var biasTotal = s.Tiles * s.TileItems;
        for (var e = Grid.GlobalIndex.X; e < biasTotal; e += (int)stride)
        {
            v.BiasTiles[e] = s.HasBias != 0 && e < s.ItemCount ? v.ItemBias[e] : 0f;
        }
    }

    /// <summary>
    /// The kernel. <paramref name="paddedDim"/>, <paramref name="group"/> and
    /// <paramref name="tileItems"/> are specialised (compile-time constants per launch shape): the
    /// inner loop's bound and the shared-memory offsets become immediates, which removes most of
    /// the index arithmetic and lets the PTX JIT unroll. <paramref name="group"/> must equal the
    /// launch's group size.
    /// </summary>
    public static void Kernel(
        ScoreTopKViews v,
        ScoreTopKScalars s,
        SpecializedValue<int> paddedDim,
        SpecializedValue<int> group,
        SpecializedValue<int> tileItems)
    {
        var userQuads = SharedMemory.Allocate<Float4>(UserTileFloats / 4);
        var itemQuads = SharedMemory.Allocate<Float4>(ItemTileFloats / 4);
        var biasQuads = SharedMemory.Allocate<Float4>(MaxTileItems / 4);
        var userFloats = userQuads.Cast<float>();
        var itemFloats = itemQuads.Cast<float>();
        var biasFloats = biasQuads.Cast<float>();
        var topScores = LocalMemory.Allocate<float>(UsersPerThread * MaxK);
        var topItems = LocalMemory.Allocate<int>(UsersPerThread * MaxK);

        var groupSize = group.Value;
        var t = Group.IdxX;
        var d = s.Dim;
        var dp = paddedDim.Value;
        var dq = dp / 4;
        var tileLength = tileItems.Value;
        var tileQuads = tileLength / 4;
        var k = s.K;
        var blockUsers = UsersPerThread * groupSize;

        // Uniform per group: every thread of a group runs the same number of iterations, which
        // the barriers below require.
        for (var blockBase = (long)Grid.IdxX * blockUsers; blockBase < s.Users; blockBase += (long)Grid.DimX * blockUsers)
        {
            var count = (int)Math.Min(blockUsers, s.Users - blockBase);

            // Stage the block's user rows as [g/4][user][g%4], zero-padding dims d..dp-1.
            var n = count * dp;
            for (var x = t; x < n; x += groupSize)
            {
                var lu = x / dp;
                var g = x - (lu * dp);
                var value = g < d ? v.UserVectors[((blockBase + lu) * d) + g] : 0f;
                userFloats[((((g / 4) * blockUsers) + lu) * 4) + (g & 3)] = value;
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
            var myUsers = userQuads.SubView(t, userQuads.Length - t);

            for (var tileStart = 0; tileStart < s.ItemCount; tileStart += tileLength)
            {
                var tileCount = Math.Min(tileLength, s.ItemCount - tileStart);

                // A straight coalesced copy of the pre-tiled items and bias.
                var tileIndex = tileStart / tileLength;
                var itemSource = (long)tileIndex * dp * tileLength;
                var m = dp * tileLength;
                for (var x = t; x < m; x += groupSize)
                {
                    itemFloats[x] = v.ItemTiles[itemSource + x];
                }

                for (var x = t; x < tileLength; x += groupSize)
                {
                    biasFloats[x] = v.BiasTiles[tileStart + x];
                }

                Group.Barrier();

                var quads = (tileCount + 3) / 4;
                for (var q = 0; q < quads; q++)
                {
                    var b = biasQuads[q];
                    float a00 = b.X, a01 = b.Y, a02 = b.Z, a03 = b.W;
                    float a10 = b.X, a11 = b.Y, a12 = b.Z, a13 = b.W;
                    float a20 = b.X, a21 = b.Y, a22 = b.Z, a23 = b.W;
                    float a30 = b.X, a31 = b.Y, a32 = b.Z, a33 = b.W;
                    var myItems = itemQuads.SubView(q, itemQuads.Length - q);
                    for (var gq = 0; gq < dq; gq++)
                    {
                        var ub = gq * blockUsers;
                        var u0 = myUsers[ub];
                        var u1 = myUsers[ub + groupSize];
                        var u2 = myUsers[ub + (2 * groupSize)];
                        var u3 = myUsers[ub + (3 * groupSize)];
                        var ib = 4 * gq * tileQuads;
                        var i0 = myItems[ib];
                        var i1 = myItems[ib + tileQuads];
                        var i2 = myItems[ib + (2 * tileQuads)];
                        var i3 = myItems[ib + (3 * tileQuads)];
                        a00 += u0.X * i0.X;
                        a01 += u0.X * i0.Y;
                        a02 += u0.X * i0.Z;
                        a03 += u0.X * i0.W;
                        a10 += u1.X * i0.X;
                        a11 += u1.X * i0.Y;
                        a12 += u1.X * i0.Z;
                        a13 += u1.X * i0.W;
                        a20 += u2.X * i0.X;
                        a21 += u2.X * i0.Y;
                        a22 += u2.X * i0.Z;
                        a23 += u2.X * i0.W;
                        a30 += u3.X * i0.X;
                        a31 += u3.X * i0.Y;
                        a32 += u3.X * i0.Z;
                        a33 += u3.X * i0.W;
                        a00 += u0.Y * i1.X;
                        a01 += u0.Y * i1.Y;
                        a02 += u0.Y * i1.Z;
                        a03 += u0.Y * i1.W;
                        a10 += u1.Y * i1.X;
                        a11 += u1.Y * i1.Y;
                        a12 += u1.Y * i1.Z;
                        a13 += u1.Y * i1.W;
                        a20 += u2.Y * i1.X;
                        a21 += u2.Y * i1.Y;
                        a22 += u2.Y * i1.Z;
                        a23 += u2.Y * i1.W;
                        a30 += u3.Y * i1.X;
                        a31 += u3.Y * i1.Y;
                        a32 += u3.Y * i1.Z;
                        a33 += u3.Y * i1.W;
                        a00 += u0.Z * i2.X;
                        a01 += u0.Z * i2.Y;
                        a02 += u0.Z * i2.Z;
                        a03 += u0.Z * i2.W;
                        a10 += u1.Z * i2.X;
                        a11 += u1.Z * i2.Y;
                        a12 += u1.Z * i2.Z;
                        a13 += u1.Z * i2.W;
                        a20 += u2.Z * i2.X;
                        a21 += u2.Z * i2.Y;
                        a22 += u2.Z * i2.Z;
                        a23 += u2.Z * i2.W;
                        a30 += u3.Z * i2.X;
                        a31 += u3.Z * i2.Y;
                        a32 += u3.Z * i2.Z;
                        a33 += u3.Z * i2.W;
                        a00 += u0.W * i3.X;
                        a01 += u0.W * i3.Y;
                        a02 += u0.W * i3.Z;
                        a03 += u0.W * i3.W;
                        a10 += u1.W * i3.X;
                        a11 += u1.W * i3.Y;
                        a12 += u1.W * i3.Z;
                        a13 += u1.W * i3.W;
                        a20 += u2.W * i3.X;
                        a21 += u2.W * i3.Y;
                        a22 += u2.W * i3.Z;
                        a23 += u2.W * i3.W;
                        a30 += u3.W * i3.X;
                        a31 += u3.W * i3.Y;
                        a32 += u3.W * i3.Z;
                        a33 += u3.W * i3.W;
                    }

                    // Most quads cannot enter a top-k: one register comparison of the quad's
                    // best against the row's worst decides, so the local-memory insertion runs
                    // only for the rare candidates. Items arrive in increasing index order, so
                    // strictly greater is exact (an equal score loses the tie on index).
                    var item = tileStart + (4 * q);
                    var left = tileCount - (4 * q);
                    if (live0 && Max4(a00, a01, a02, a03) > w0s)
                    {
                        Offer4(topScores, topItems, 0, k, item, left, a00, a01, a02, a03);
                        w0s = topScores[k - 1];
                    }

                    if (live1 && Max4(a10, a11, a12, a13) > w1s)
                    {
                        Offer4(topScores, topItems, MaxK, k, item, left, a10, a11, a12, a13);
                        w1s = topScores[MaxK + k - 1];
                    }

                    if (live2 && Max4(a20, a21, a22, a23) > w2s)
                    {
                        Offer4(topScores, topItems, 2 * MaxK, k, item, left, a20, a21, a22, a23);
                        w2s = topScores[(2 * MaxK) + k - 1];
                    }

                    if (live3 && Max4(a30, a31, a32, a33) > w3s)
                    {
                        Offer4(topScores, topItems, 3 * MaxK, k, item, left, a30, a31, a32, a33);
                        w3s = topScores[(3 * MaxK) + k - 1];
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

    private static float Max4(float a, float b, float c, float d) => Math.Max(Math.Max(a, b), Math.Max(c, d));

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
        float s3)
    {
        Offer(scores, items, row, k, s0, item);
        if (left > 1)
        {
            Offer(scores, items, row, k, s1, item + 1);
        }

        if (left > 2)
        {
            Offer(scores, items, row, k, s2, item + 2);
        }

        if (left > 3)
        {
            Offer(scores, items, row, k, s3, item + 3);
        }
    }

    /// <summary>
    /// The kernel form of <see cref="TopKMath.Offer"/>: a test against the worst kept candidate,
    /// then an insertion shift in the best-first list (all in the thread's local memory).
    /// </summary>
    internal static void Offer(ArrayView<float> scores, ArrayView<int> items, int row, int k, float score, int item)
    {
        if (!TopKMath.Before(score, item, scores[row + k - 1], items[row + k - 1]))
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
    }
}
