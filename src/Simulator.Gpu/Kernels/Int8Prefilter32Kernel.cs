using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Simulator.Gpu.Kernels;

/// <summary>Four ints loaded and stored as one unit (16 bytes: one vector load from shared memory).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Int4
{
    public int X;
    public int Y;
    public int Z;
    public int W;
}

/// <summary>A user's 32 int8 codes, four per int.</summary>
internal struct Codes32
{
    public Int4 Low;
    public Int4 High;
}

/// <summary>The item-side terms of the bound (see <see cref="Int8Prefilter32Kernel"/>), from <see cref="Int8ItemCodes"/>.</summary>
internal struct Int8ItemBound
{
    /// <summary>s_X: one scale for every item code.</summary>
    public float Scale;

    /// <summary>eX: the largest |x_ig - mu_g - s_X q_ig|, with the slack of its own evaluation.</summary>
    public double Error;

    /// <summary>max_i L1(s_X q_i).</summary>
    public double QuantisedL1Max;

    /// <summary>M: the largest |x_ig| of a filtered item.</summary>
    public double Magnitude;

    /// <summary>B: the largest finite |b_i| of a filtered item.</summary>
    public double BiasMax;
}

/// <summary>Views of the per-user pass.</summary>
internal struct PrefilterUserViews
{
    public ArrayView<float> UserVectors;
    public ArrayView<float> Mu;

    /// <summary>[user][2 x Int4]: the user's codes.</summary>
    public ArrayView<Int4> UserCodes;

    /// <summary>c_u = fl(s_u s_X).</summary>
    public ArrayView<float> UserScale;

    /// <summary>An upper bound of u.mu + E_u; NaN for a user whose every item is rescored.</summary>
    public ArrayView<float> UserOffset;
}

/// <summary>Device views of the prefiltered d &lt;= 32 score + top-k.</summary>
internal struct PrefilteredScoreTopKViews
{
    public ScoreTopK32Views Exact;

    /// <summary>[padded item][2 x Int4]: the item codes.</summary>
    public ArrayView<Int4> ItemCodes;

    /// <summary>b_i, +infinity for an item always rescored, -infinity for padding.</summary>
    public ArrayView<float> PrefilterBias;
    public ArrayView<Int4> UserCodes;
    public ArrayView<float> UserScale;
    public ArrayView<float> UserOffset;

    /// <summary>One element: the (user, item) pairs rescored in fp32, summed over threads.</summary>
    public ArrayView<long> Survivors;
}

/// <summary>
/// Score + top-k for d &lt;= 32 behind a certified int8 prefilter, the GPU counterpart of the CPU
/// engine's (CpuEngine.Prefilter.cs, whose notation this follows). Every (user, item) pair gets an
/// int8 score; an item is rescored in fp32, by exactly the expression of
/// <see cref="ScoreTopK32Kernel"/>, unless that score proves it cannot beat the user's current
/// k-th best; the answer is the fp32 kernel's, bit for bit, tie rule included.
/// </summary>
/// <remarks>
/// <para><b>The bound.</b> mu the items' midrange per dimension, s_X = max |x_ig - mu_g| / 127 (a
/// float), q_ig = round((x_ig - mu_g) / s_X) and eX the largest |x_ig - mu_g - s_X q_ig|, all on the
/// host in double (<see cref="Int8ItemCodes"/>). Per user: s_u = fl(max_g |u_g| / 127), q_ug =
/// round(u_g / s_u) in double, so |u_g - s_u q_ug| &lt;= eU = 0.50004 s_u and |q_ug| &lt;= 127;
/// D_i = sum_g q_ug q_ig is an exact integer (|D_i| &lt;= 127^2 x 32 &lt; 2^24, so float(D_i) is
/// exact), computed four products at a time by <c>dp4a</c> (integer emulation on other
/// accelerators: the same integer). The int8 score is Shat_i = fl(fl(float(D_i) c_u) + b_i), c_u =
/// fl(s_u s_X), and the fp32 kernel's score is S_i, a sum of d products and a bias. Then
/// |Shat_i + u.mu - S_i| &lt;= E_u with</para>
/// <para>E_u = L1(u) eX + eU max_i L1(s_X q_i)               [quantisation: Hoelder, as on the CPU]
///          + gamma_(2d+4) (L1(u) M + B)                         [fp32 rounding of S_i, any order]
///          + 4 eps (s_u s_X Dmax_u + B)                         [rounding of c_u and Shat_i]
///          + (2d + 8 + Dmax_u) 2^-126 + 2^-40 L1(u) M,          [flushed subnormals; u.mu in double]</para>
/// <para>M = max |x_ig| and B = max finite |b_i| over filtered items, Dmax_u = 127 sum_g |q_ug|
/// &gt;= |D_i|, eps = 2^-24, gamma_n = n eps / (1 - n eps). gamma_(2d+4) holds for any summation order
/// and with or without fused multiply-adds (at most 2d + 4 roundings reach any product), so the
/// bound does not depend on how the PTX compiler schedules the fp32 kernel; 2^-126 per operation
/// covers flush-to-zero. E_u and u.mu are evaluated in double with the relative slack 2^-40, and
/// off_u = u.mu + E_u is rounded up to a float (+|off| 2^-20 + 2^-126 before rounding).</para>
/// <para><b>The filter.</b> worst is the user's current k-th best fp32 score (-infinity until k
/// items are in). An item can enter only if S_i &gt; worst, and S_i &lt;= Shat_i + off_u, so an item
/// with Shat_i &lt;= t, t &lt;= worst - off_u, is skipped: it would have been rejected. t is worst -
/// off_u in float, lowered by |t| 2^-22 + 2^-120 (more than the roundings of its evaluation, each
/// at most 2^-24 relative or 2^-126 absolute when flushed), so t never exceeds the exact
/// difference; with worst = -infinity, t = -infinity and every finite item is rescored. worst
/// only rises, so a threshold from earlier in the scan is still safe.
/// Survivors wait in a queue of <see cref="QueueLength"/> per user and are rescored in item order
/// at the end of the tile or when the queue fills, so the top-k sees the same items in the same
/// order as the fp32 kernel, less items it would have rejected: the same answer.</para>
/// <para><b>Where the bound is not used.</b> Items with a non-finite or huge (&gt; 2^50) component,
/// or a NaN, +infinity or finite &gt; 2^100 bias, get prefilter bias +infinity: always rescored.
/// Users with a non-finite component, L1(u) M &gt; 2^100, s_u below 2^-100, or a non-finite
/// off_u are rescored against every item (off_u = NaN), which is the fp32 kernel's loop.</para>
/// </remarks>
internal static class Int8Prefilter32Kernel
{
    /// <summary>Survivors held per user before they are rescored.</summary>
    public const int QueueLength = 16;

    /// <summary>Relative slack for values evaluated in double (2^-40).</summary>
    public const double Slack = 9.094947017729282e-13;

    private const double Eps = 5.9604644775390625e-8; // 2^-24
    private const double Flushed = 1.1754943508222875e-38; // 2^-126
    private const float ThresholdFloor = 7.52316385e-37f; // 2^-120
    private const double UserError = 0.50004;
    private const double MaxProduct = 1.2676506002282294e30; // 2^100
    private const double MinScale = 7.888609052210118e-31; // 2^-100

    /// <summary>Per user: the codes, c_u and off_u (NaN where every item is rescored).</summary>
    public static void UsersKernel(PrefilterUserViews v, Int8ItemBound bound, int users, int dim)
    {
        var stride = Grid.DimX * Group.DimX;
        for (var user = Grid.GlobalIndex.X; user < users; user += stride)
        {
            var row = (long)user * dim;
            double l1 = 0, largest = 0, centre = 0;
            var finite = true;
            for (var g = 0; g < dim; g++)
            {
                var u = v.UserVectors[row + g];
                finite &= float.IsFinite(u);
                var a = Math.Abs((double)u);
                l1 += a;
                largest = Math.Max(largest, a);
                centre += (double)u * v.Mu[g];
            }

            var userScale = (float)largest / 127f;
            var l1Bound = l1 * (1 + Slack);
            var keepAll = !finite || (largest > 0 && userScale < MinScale) || l1Bound * bound.Magnitude > MaxProduct;
            var codes = default(Codes32);
            long codeL1 = 0;
            for (var g = 0; g < dim && !keepAll; g++)
            {
                var q = userScale > 0 ? (int)Math.Round(v.UserVectors[row + g] / (double)userScale) : 0;
                q = Math.Max(-127, Math.Min(127, q));
                codeL1 += Math.Abs(q);
                codes = WithCode(codes, g, q);
            }

            var dMax = 127.0 * codeL1;
            var gamma = (2 * dim + 4) * Eps / (1 - ((2 * dim + 4) * Eps));
            var error = (l1Bound * bound.Error)
                + (UserError * userScale * bound.QuantisedL1Max)
                + (gamma * ((l1Bound * bound.Magnitude) + bound.BiasMax))
                + (4 * Eps * (((double)userScale * bound.Scale * dMax) + bound.BiasMax))
                + ((2 * dim + 8 + dMax) * Flushed)
                + (Slack * l1Bound * bound.Magnitude);
            var offset = centre + (error * (1 + Slack));
            offset += (Math.Abs(offset) * 9.5367431640625e-7) + Flushed; // 2^-20
            var offsetF = (float)offset;
            keepAll |= !float.IsFinite(offsetF);
            v.UserCodes[(long)user * 2] = codes.Low;
            v.UserCodes[((long)user * 2) + 1] = codes.High;
            v.UserScale[user] = userScale * bound.Scale;
            v.UserOffset[user] = keepAll ? float.NaN : offsetF;
        }
    }

    public static void Kernel(PrefilteredScoreTopKViews v, int users, int itemCount, int paddedItems, int dim, int k)
    {
        const int tileItems = ScoreTopK32Kernel.TileItems;
        const int maxK = ScoreTopKKernel.MaxK;
        var tile = SharedMemory.Allocate<Float4>(tileItems * 8);
        var tileCodes = SharedMemory.Allocate<Int4>(tileItems * 2);
        var tileBias = SharedMemory.Allocate<float>(tileItems);
        var tilePrefilterBias = SharedMemory.Allocate<float>(tileItems);
        var topScores = LocalMemory.Allocate<float>(2 * maxK);
        var topItems = LocalMemory.Allocate<int>(2 * maxK);
        var queue = LocalMemory.Allocate<int>(2 * QueueLength);
        var t = Group.IdxX;
        var groupSize = Group.DimX;
        var blockUsers = groupSize * 2;
        long survivors = 0;

        // Uniform per group: every thread runs the same iterations, as the barriers require.
        for (var blockBase = (long)Grid.IdxX * blockUsers; blockBase < users; blockBase += (long)Grid.DimX * blockUsers)
        {
            var userA = blockBase + t;
            var userB = blockBase + t + groupSize;
            var liveA = userA < users;
            var liveB = userB < users;
            var a = ScoreTopK32Kernel.LoadUser(v.Exact.UserVectors, liveA ? userA : 0, dim);
            var b = ScoreTopK32Kernel.LoadUser(v.Exact.UserVectors, liveB ? userB : 0, dim);
            var codesA = LoadCodes(v.UserCodes, liveA ? userA : 0);
            var codesB = LoadCodes(v.UserCodes, liveB ? userB : 0);
            var scaleA = v.UserScale[liveA ? userA : 0];
            var scaleB = v.UserScale[liveB ? userB : 0];
            var offsetA = v.UserOffset[liveA ? userA : 0];
            var offsetB = v.UserOffset[liveB ? userB : 0];
            var keepAllA = float.IsNaN(offsetA);
            var keepAllB = float.IsNaN(offsetB);
            ScoreTopK32Kernel.ClearTopK(topScores, topItems);

            var worstA = float.NegativeInfinity;
            var worstB = float.NegativeInfinity;
            var thresholdA = float.NegativeInfinity;
            var thresholdB = float.NegativeInfinity;
            for (var tileStart = 0; tileStart < paddedItems; tileStart += tileItems)
            {
                ScoreTopK32Kernel.LoadTile(v.Exact, tile, tileBias, tileStart, t, groupSize);
                for (var x = t; x < tileItems * 2; x += groupSize)
                {
                    tileCodes[x] = v.ItemCodes[((long)tileStart * 2) + x];
                }

                for (var x = t; x < tileItems; x += groupSize)
                {
                    tilePrefilterBias[x] = v.PrefilterBias[tileStart + x];
                }

                Group.Barrier();
                var queuedA = 0;
                var queuedB = 0;
                for (var i = 0; i < tileItems; i++)
                {
                    var low = tileCodes[i * 2];
                    var high = tileCodes[(i * 2) + 1];
                    var prefilterBias = tilePrefilterBias[i];
                    if (liveA)
                    {
                        if (keepAllA)
                        {
                            worstA = Rescore(a, tile, tileBias, i, tileStart + i, topScores, topItems, 0, k, worstA);
                        }
                        else if (!(Estimate(codesA, low, high, scaleA, prefilterBias) <= thresholdA))
                        {
                            queue[queuedA++] = i;
                            if (queuedA == QueueLength)
                            {
                                worstA = Flush(a, tile, tileBias, tileStart, queue, 0, queuedA, topScores, topItems, 0, k, worstA);
                                thresholdA = Threshold(worstA, offsetA);
                                survivors += queuedA;
                                queuedA = 0;
                            }
                        }
                    }

                    if (liveB)
                    {
                        if (keepAllB)
                        {
                            worstB = Rescore(b, tile, tileBias, i, tileStart + i, topScores, topItems, maxK, k, worstB);
                        }
                        else if (!(Estimate(codesB, low, high, scaleB, prefilterBias) <= thresholdB))
                        {
                            queue[QueueLength + queuedB++] = i;
                            if (queuedB == QueueLength)
                            {
                                worstB = Flush(b, tile, tileBias, tileStart, queue, QueueLength, queuedB, topScores, topItems, maxK, k, worstB);
                                thresholdB = Threshold(worstB, offsetB);
                                survivors += queuedB;
                                queuedB = 0;
                            }
                        }
                    }
                }

                // The queued items are in this tile: rescore them before the next tile replaces it.
                worstA = Flush(a, tile, tileBias, tileStart, queue, 0, queuedA, topScores, topItems, 0, k, worstA);
                worstB = Flush(b, tile, tileBias, tileStart, queue, QueueLength, queuedB, topScores, topItems, maxK, k, worstB);
                thresholdA = Threshold(worstA, offsetA);
                thresholdB = Threshold(worstB, offsetB);
                survivors += queuedA + queuedB;
                var live = Math.Max(0, Math.Min(tileItems, itemCount - tileStart));
                survivors += (keepAllA && liveA ? live : 0) + (keepAllB && liveB ? live : 0);

                Group.Barrier();
            }

            ScoreTopK32Kernel.StoreTopK(v.Exact, userA, userB, liveA, liveB, k, topScores, topItems);
        }

        if (survivors > 0)
        {
            Atomic.Add(ref v.Survivors[0], survivors);
        }
    }

    /// <summary>c + the four products of the signed bytes of a and b: <c>dp4a</c> on CUDA, the same integer elsewhere.</summary>
    public static int Dp4a(int a, int b, int c)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("dp4a.s32.s32 %0, %1, %2, %3;", out int result, a, b, c);
            return result;
        }

        return c + ((sbyte)a * (sbyte)b) + ((sbyte)(a >> 8) * (sbyte)(b >> 8))
            + ((sbyte)(a >> 16) * (sbyte)(b >> 16)) + ((sbyte)(a >> 24) * (sbyte)(b >> 24));
    }

    /// <summary>Shat = fl(fl(float(D) c_u) + b): the int8 score.</summary>
    private static float Estimate(Codes32 user, Int4 low, Int4 high, float scale, float prefilterBias)
    {
        var d = Dp4a(user.Low.X, low.X, 0);
        d = Dp4a(user.Low.Y, low.Y, d);
        d = Dp4a(user.Low.Z, low.Z, d);
        d = Dp4a(user.Low.W, low.W, d);
        d = Dp4a(user.High.X, high.X, d);
        d = Dp4a(user.High.Y, high.Y, d);
        d = Dp4a(user.High.Z, high.Z, d);
        d = Dp4a(user.High.W, high.W, d);
        return ((float)d * scale) + prefilterBias;
    }

    /// <summary>A value never above worst - offset (see the remarks); -infinity while the top-k is not full.</summary>
    private static float Threshold(float worst, float offset)
    {
        var t = worst - offset;
        return float.IsFinite(t) ? t - (Math.Abs(t) * 2.38418579e-7f) - ThresholdFloor : t; // 2^-22
    }

    /// <summary>Rescores the queued items of this tile in order and offers them to the row's top-k.</summary>
    private static float Flush(
        Vector32 user, ArrayView<Float4> tile, ArrayView<float> tileBias, int tileStart, ArrayView<int> queue, int queueRow, int queued,
        ArrayView<float> scores, ArrayView<int> items, int row, int k, float worst)
    {
        for (var q = 0; q < queued; q++)
        {
            var i = queue[queueRow + q];
            worst = Rescore(user, tile, tileBias, i, tileStart + i, scores, items, row, k, worst);
        }

        return worst;
    }

    private static float Rescore(
        Vector32 user, ArrayView<Float4> tile, ArrayView<float> tileBias, int i, int item, ArrayView<float> scores, ArrayView<int> items, int row, int k, float worst)
    {
        var score = ScoreTopK32Kernel.ExactScore(user, tile, i, tileBias[i]);
        return ScoreTopK32Kernel.Consider(true, score, item, scores, items, row, k, worst);
    }

    private static Codes32 LoadCodes(ArrayView<Int4> codes, long user) => new()
    {
        Low = codes[user * 2],
        High = codes[(user * 2) + 1],
    };

    /// <summary>The codes with dimension g's byte set to q (g &lt; 32; the byte was zero).</summary>
    private static Codes32 WithCode(Codes32 codes, int g, int q)
    {
        var bits = (q & 0xFF) << ((g & 3) * 8);
        switch (g >> 2)
        {
            case 0: codes.Low.X |= bits; break;
            case 1: codes.Low.Y |= bits; break;
            case 2: codes.Low.Z |= bits; break;
            case 3: codes.Low.W |= bits; break;
            case 4: codes.High.X |= bits; break;
            case 5: codes.High.Y |= bits; break;
            case 6: codes.High.Z |= bits; break;
            default: codes.High.W |= bits; break;
        }

        return codes;
    }
}
