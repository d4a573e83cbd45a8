using ILGPU;
using ILGPU.Runtime;

namespace Simulator.Gpu.Kernels;

/// <summary>A user vector of up to 32 dimensions as eight <see cref="Float4"/> fields: held in registers.</summary>
internal struct Vector32
{
    public Float4 Q0;
    public Float4 Q1;
    public Float4 Q2;
    public Float4 Q3;
    public Float4 Q4;
    public Float4 Q5;
    public Float4 Q6;
    public Float4 Q7;
}

/// <summary>Device views of the d &lt;= 32 score + top-k.</summary>
internal struct ScoreTopK32Views
{
    public ArrayView<float> UserVectors;

    /// <summary>Items padded to 32 dims and to whole tiles, [item][32] (see <see cref="ScoreTopK32Kernel.PadItemsKernel"/>).</summary>
    public ArrayView<Float4> ItemRows;

    /// <summary>Bias per padded item; -infinity for padding, so padding never enters a top-k.</summary>
    public ArrayView<float> ItemBias;
    public ArrayView<int> TopItems;
    public ArrayView<float> TopScores;
}

/// <summary>Views of the padding pass.</summary>
internal struct PadItemsViews
{
    public ArrayView<float> Items;
    public ArrayView<float> Bias;
    public ArrayView<float> ItemRows;
    public ArrayView<float> PaddedBias;
}

/// <summary>
/// Fused score and top-k for d &lt;= 32, the canonical shape. Each thread scores two users whose
/// vectors live in registers (<see cref="Vector32"/>), so user data is read once per block rather
/// than from shared memory on every step. A tile of items sits in shared memory as [item][8 x
/// Float4]; every thread reads the same item at the same time (a broadcast), so 8 shared loads
/// feed 64 multiply-adds and the kernel is bound by the FMA units, not by shared memory. Sums
/// run in two halves per user (dims 0-15 and 16-31), two items per step, to give the scheduler
/// eight independent chains.
/// The k best of each user stay in local memory with the worst score in a register; items are
/// offered in ascending index order and ties go to the smaller index, as in the reference.
/// </summary>
internal static class ScoreTopK32Kernel
{
    public const int MaxDim = 32;
    /// <summary>Threads per group on a GPU; smaller where the device allows fewer (ILGPU's CPU accelerator).</summary>
    public const int GroupSize = 128;
    public const int UsersPerThread = 2;
    public const int TileItems = 128;

    /// <summary>Pads items to 32 dims and the item count to whole tiles; padding bias is -infinity.</summary>
    public static void PadItemsKernel(PadItemsViews v, int itemCount, int dim, int hasBias)
    {
        var total = v.ItemRows.Length;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            var item = e / MaxDim;
            var g = (int)(e - (item * MaxDim));
            v.ItemRows[e] = item < itemCount && g < dim ? v.Items[(item * dim) + g] : 0f;
        }

        for (long i = Grid.GlobalIndex.X; i < v.PaddedBias.Length; i += stride)
        {
            v.PaddedBias[i] = i >= itemCount ? float.NegativeInfinity : hasBias != 0 ? v.Bias[i] : 0f;
        }
    }

    public static void Kernel(ScoreTopK32Views v, int users, int paddedItems, int dim, int k)
    {
        var tile = SharedMemory.Allocate<Float4>(TileItems * 8);
        var tileBias = SharedMemory.Allocate<float>(TileItems);
        var topScores = LocalMemory.Allocate<float>(UsersPerThread * ScoreTopKKernel.MaxK);
        var topItems = LocalMemory.Allocate<int>(UsersPerThread * ScoreTopKKernel.MaxK);
        var t = Group.IdxX;
        var groupSize = Group.DimX;
        var blockUsers = groupSize * UsersPerThread;

        // Uniform per group: every thread runs the same iterations, as the barriers require.
        for (var blockBase = (long)Grid.IdxX * blockUsers; blockBase < users; blockBase += (long)Grid.DimX * blockUsers)
        {
            var userA = blockBase + t;
            var userB = blockBase + t + groupSize;
            var liveA = userA < users;
            var liveB = userB < users;
            var a = LoadUser(v.UserVectors, liveA ? userA : 0, dim);
            var b = LoadUser(v.UserVectors, liveB ? userB : 0, dim);
            ClearTopK(topScores, topItems);

            var worstA = float.NegativeInfinity;
            var worstB = float.NegativeInfinity;
            for (var tileStart = 0; tileStart < paddedItems; tileStart += TileItems)
            {
                LoadTile(v, tile, tileBias, tileStart, t, groupSize);
                Group.Barrier();

                // Two items per step: eight independent sums (2 users x 2 items x 2 halves)
                // keep the FMA pipes busy while the next shared loads are in flight.
                for (var i = 0; i < TileItems; i += 2)
                {
                    var x0 = tile[(i * 8) + 0];
                    var x1 = tile[(i * 8) + 1];
                    var x2 = tile[(i * 8) + 2];
                    var x3 = tile[(i * 8) + 3];
                    var x4 = tile[(i * 8) + 4];
                    var x5 = tile[(i * 8) + 5];
                    var x6 = tile[(i * 8) + 6];
                    var x7 = tile[(i * 8) + 7];
                    var y0 = tile[(i * 8) + 8];
                    var y1 = tile[(i * 8) + 9];
                    var y2 = tile[(i * 8) + 10];
                    var y3 = tile[(i * 8) + 11];
                    var y4 = tile[(i * 8) + 12];
                    var y5 = tile[(i * 8) + 13];
                    var y6 = tile[(i * 8) + 14];
                    var y7 = tile[(i * 8) + 15];
                    var biasX = tileBias[i];
                    var biasY = tileBias[i + 1];
                    var axLow = Dot(a.Q0, x0, Dot(a.Q1, x1, Dot(a.Q2, x2, Dot(a.Q3, x3, biasX))));
                    var bxLow = Dot(b.Q0, x0, Dot(b.Q1, x1, Dot(b.Q2, x2, Dot(b.Q3, x3, biasX))));
                    var ayLow = Dot(a.Q0, y0, Dot(a.Q1, y1, Dot(a.Q2, y2, Dot(a.Q3, y3, biasY))));
                    var byLow = Dot(b.Q0, y0, Dot(b.Q1, y1, Dot(b.Q2, y2, Dot(b.Q3, y3, biasY))));
                    var axHigh = Dot(a.Q4, x4, Dot(a.Q5, x5, Dot(a.Q6, x6, Dot(a.Q7, x7, 0f))));
                    var bxHigh = Dot(b.Q4, x4, Dot(b.Q5, x5, Dot(b.Q6, x6, Dot(b.Q7, x7, 0f))));
                    var ayHigh = Dot(a.Q4, y4, Dot(a.Q5, y5, Dot(a.Q6, y6, Dot(a.Q7, y7, 0f))));
                    var byHigh = Dot(b.Q4, y4, Dot(b.Q5, y5, Dot(b.Q6, y6, Dot(b.Q7, y7, 0f))));
                    var item = tileStart + i;

                    // Strictly greater is exact: items arrive in increasing index order.
                    worstA = Consider(liveA, axLow + axHigh, item, topScores, topItems, 0, k, worstA);
                    worstB = Consider(liveB, bxLow + bxHigh, item, topScores, topItems, ScoreTopKKernel.MaxK, k, worstB);
                    worstA = Consider(liveA, ayLow + ayHigh, item + 1, topScores, topItems, 0, k, worstA);
                    worstB = Consider(liveB, byLow + byHigh, item + 1, topScores, topItems, ScoreTopKKernel.MaxK, k, worstB);
                }

                // The next tile overwrites the shared tile: wait until every thread is done.
                Group.Barrier();
            }

            StoreTopK(v, userA, userB, liveA, liveB, k, topScores, topItems);
        }
    }

    /// <summary>Empties both users' top-k rows (score -infinity, item int.MaxValue).</summary>
    internal static void ClearTopK(ArrayView<float> topScores, ArrayView<int> topItems)
    {
        for (var j = 0; j < UsersPerThread * ScoreTopKKernel.MaxK; j++)
        {
            topScores[j] = float.NegativeInfinity;
            topItems[j] = int.MaxValue;
        }
    }

    /// <summary>A straight coalesced copy of one tile (8 Float4 per item) and its bias into shared memory.</summary>
    internal static void LoadTile(ScoreTopK32Views v, ArrayView<Float4> tile, ArrayView<float> tileBias, int tileStart, int t, int groupSize)
    {
        for (var x = t; x < TileItems * 8; x += groupSize)
        {
            tile[x] = v.ItemRows[((long)tileStart * 8) + x];
        }

        for (var x = t; x < TileItems; x += groupSize)
        {
            tileBias[x] = v.ItemBias[tileStart + x];
        }
    }

    /// <summary>Writes the live users' top-k rows (user A's at row 0, user B's at row MaxK).</summary>
    internal static void StoreTopK(ScoreTopK32Views v, long userA, long userB, bool liveA, bool liveB, int k, ArrayView<float> topScores, ArrayView<int> topItems)
    {
        for (var j = 0; j < k; j++)
        {
            if (liveA)
            {
                v.TopItems[(userA * k) + j] = topItems[j];
                v.TopScores[(userA * k) + j] = topScores[j];
            }

            if (liveB)
            {
                v.TopItems[(userB * k) + j] = topItems[ScoreTopKKernel.MaxK + j];
                v.TopScores[(userB * k) + j] = topScores[ScoreTopKKernel.MaxK + j];
            }
        }
    }

    /// <summary>
    /// Offers a score to a row's top-k when it beats the row's worst, and returns the new worst
    /// (returned rather than passed by reference, so the worst stays in a register).
    /// </summary>
    internal static float Consider(bool live, float score, int item, ArrayView<float> scores, ArrayView<int> items, int row, int k, float worst)
    {
        if (!live || score <= worst)
        {
            return worst;
        }

        ScoreTopKKernel.Offer(scores, items, row, k, score, item);
        return scores[row + k - 1];
    }

    /// <summary>
    /// One user's score of tile item <paramref name="i"/> by the expression of <see cref="Kernel"/>
    /// (the same Dot nesting, dims 0-15 from the bias, dims 16-31 from zero, then their sum), so a
    /// rescored item gets the kernel's score bit for bit.
    /// </summary>
    internal static float ExactScore(Vector32 a, ArrayView<Float4> tile, int i, float bias)
    {
        var row = i * 8;
        var low = Dot(a.Q0, tile[row], Dot(a.Q1, tile[row + 1], Dot(a.Q2, tile[row + 2], Dot(a.Q3, tile[row + 3], bias))));
        var high = Dot(a.Q4, tile[row + 4], Dot(a.Q5, tile[row + 5], Dot(a.Q6, tile[row + 6], Dot(a.Q7, tile[row + 7], 0f))));
        return low + high;
    }

    /// <summary>acc + u . x over four lanes, in ascending lane order.</summary>
    private static float Dot(Float4 u, Float4 x, float acc) => acc + (u.X * x.X) + (u.Y * x.Y) + (u.Z * x.Z) + (u.W * x.W);

    internal static Vector32 LoadUser(ArrayView<float> users, long user, int dim)
    {
        var row = user * dim;
        return new Vector32
        {
            Q0 = Quad(users, row, 0, dim),
            Q1 = Quad(users, row, 4, dim),
            Q2 = Quad(users, row, 8, dim),
            Q3 = Quad(users, row, 12, dim),
            Q4 = Quad(users, row, 16, dim),
            Q5 = Quad(users, row, 20, dim),
            Q6 = Quad(users, row, 24, dim),
            Q7 = Quad(users, row, 28, dim),
        };
    }

    private static Float4 Quad(ArrayView<float> users, long row, int g, int dim) => new()
    {
        X = g < dim ? users[row + g] : 0f,
        Y = g + 1 < dim ? users[row + g + 1] : 0f,
        Z = g + 2 < dim ? users[row + g + 2] : 0f,
        W = g + 3 < dim ? users[row + g + 3] : 0f,
    };
}
