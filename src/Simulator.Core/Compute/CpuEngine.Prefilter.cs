using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

/// <summary>
/// Score + top-k behind a certified int8 prefilter: every (user, item) pair is scored with int8
/// dot products (AVX-VNNI <c>vpdpbusd</c>), every item whose low-precision score is within twice a
/// rigorous error bound of the user's k-th best survives, and only the survivors are scored in
/// fp32 by exactly the instruction sequence of the fp32 path. The answer is therefore the fp32
/// path's answer, bit for bit, including the tie rule.
/// </summary>
/// <remarks>
/// <para><b>The bound.</b> Notation: u the user vector (d floats), x_i item i's vector, b_i its bias,
/// eps = 2^-24 (float unit roundoff), gamma_n = n eps / (1 - n eps). The fp32 path computes
/// S_i = fl(a_d + b_i) with a_0 = 0 and a_g = fma(u_g, x_ig, a_(g-1)) (one rounding per step).</para>
/// <para>Quantisation: items are centred on the midrange of each dimension, mu_g (any fixed
/// vector would do: it only shifts every score of a user by the same u.mu); one scale for all
/// items s_X = max_(i,g) |x_ig - mu_g| / 127 and integers q_ig = round((x_ig - mu_g) / s_X); the
/// item error eX = max_(i,g) |x_ig - mu_g - s_X q_ig| is measured (in double). One user scale
/// s_u = fl(max_g |u_g| / 127) and q_ug = round(fl(u_g fl(1 / s_u))): the two roundings move
/// u_g / s_u by at most 127 x 4 eps &lt; 4e-5, so |u_g - s_u q_ug| &lt;= eU = 0.50004 s_u and |q_ug|
/// &lt;= 127 (this needs s_u normal: users with 0 &lt; max|u| &lt; 2^-100 keep every item). With
/// u~ = s_u q_u and x~_i = s_X q_i (exact reals), D_i = sum_g q_ug q_ig is an exact integer
/// (|D_i| &lt;= 127^2 d), computed by <c>vpdpbusd</c> on (q_u + 128) as unsigned bytes, its
/// accumulator starting from -128 sum_g q_ig so the offset cancels exactly.</para>
/// <para>The low-precision score is Shat_i = fma(float(D_i), c_u, b_i) with c_u = fl(s_u s_X).
/// For finite b_i, |Shat_i + u.mu - S_i| &lt;= E_u where</para>
/// <para>E_u = L1(u) eX + eU max_i L1(x~_i)                          [quantisation]
///          + gamma_(d+1) (L1(u) max|x| + B) + (d + 2) 2^-149           [fp32 rounding of S_i]
///          + 3 eps (s_u s_X Dmax_u + B) + (Dmax_u + 2) 2^-149          [rounding of Shat_i],</para>
/// <para>B = max |b_i| over finite biases, Dmax_u = 127 (L1(u) / s_u + 0.50004 d) &gt;= 127 sum_g
/// |q_ug| &gt;= |D_i|, L1(u) the float sum of |u_g| times (1 + 2 d eps) (an upper bound of the
/// exact sum). Proof: the triangle inequality over three steps. (1) u.(x_i - mu) - u~.x~_i =
/// u.(x_i - mu - x~_i) + (u - u~).x~_i, each term bounded by Hoelder's inequality (L1 times
/// max-norm). (2) The fp32 path's result is a sum of d
/// products and a bias with d + 1 roundings, so |S_i - (u.x_i + b_i)| &lt;= gamma_(d+1)
/// (sum_g |u_g x_ig| + |b_i|) (the standard recursive-summation bound, Higham 2002, eq. 3.5), and
/// sum_g |u_g x_ig| &lt;= L1(u) max|x|; gradual underflow adds at most half a subnormal step,
/// 2^-150, per operation. (3) c_u = s_u s_X (1 + t1) and the fma gives (c_u D_i + b_i)(1 + t2) with
/// |t1|, |t2| &lt;= eps (plus 2^-150 each under underflow; float(D_i) is exact as |D_i| &lt; 2^24),
/// so |Shat_i - (u~.x~_i + b_i)| &lt;= eps s_u s_X |D_i| + eps (|c_u D_i| + |b_i|) &lt;= 3 eps
/// (s_u s_X Dmax_u + B). E_u is evaluated in double and multiplied by (1 + 2^-20), which covers the
/// double roundings of its own evaluation many times over. Infinite or NaN biases give the same
/// infinity or NaN in Shat_i and S_i (the dot products are finite: see below).</para>
/// <para><b>The filter.</b> F is any value that at least k items' Shat reach (from the tile maxima).
/// Those k items have S &gt;= F + u.mu - E_u, so the k-th best fp32 score is at least that, and
/// every item of the fp32 top-k (NaN never enters it) has Shat_j &gt;= S_j - u.mu - E_u &gt;= F - 2 E_u:
/// the shift u.mu cancels and is never computed. A NaN bias enters the prefilter as -infinity
/// (such an item is never in either top-k) so that no NaN reaches the tile maxima. Items with
/// Shat_j &gt;= t, t = F - 2 E_u rounded down to a float, survive; the top-k of a superset of the
/// top-k under the same total order (higher score, then smaller index) is the same top-k. The
/// survivors' exact fp32 scores are ranked by that order (a survivor's place is the number of
/// survivors ranking before it, which for a member of the top-k is its place among all items),
/// so ties resolve as in the fp32 path.</para>
/// <para><b>Where the bound is not used.</b> The whole call takes the fp32 path when the CPU lacks
/// AVX-VNNI or FMA, when d &gt; 1024 (D_i must stay below 2^24 to convert to float exactly), when
/// an item vector is not finite or max|x| &gt; 2^50, when a finite bias
/// exceeds 2^100, or when the catalog is too small to gain (fewer than 8 k items or 64 items). A
/// user whose vector is not finite, whose L1(u) max|x| exceeds 2^100, or whose E_u is not finite,
/// keeps every item (t = -infinity, NaN scores included): the survivors are then all items, scored
/// in fp32, which is the fp32 path's answer by construction. Within these limits every fp32 partial
/// sum is bounded by (1 + gamma_d) L1(u) max|x| &lt; 2^101, far from overflow.</para>
/// </remarks>
public sealed partial class CpuEngine
{
    /// <summary>Largest |x| of an item vector for which the prefilter runs (beyond: the fp32 path).</summary>
    private const float MaxItemMagnitude = 1.1258999e15f; // 2^50

    /// <summary>Largest finite |bias| and largest L1(u) max|x| for which the bound is used.</summary>
    private const double MaxBound = 1.2676506002282294e30; // 2^100

    private const double Eps = 5.9604644775390625e-8; // 2^-24

    private const double Subnormal = 1.401298464324817e-45; // 2^-149

    private long _prefilterPairs;
    private long _prefilterSurvivors;

    /// <summary>
    /// How <see cref="ScoreTopK"/> scores on this machine: "int8 prefilter (AVX-VNNI) + exact fp32
    /// rescoring of survivors" where the CPU has AVX-VNNI and FMA and the prefilter is enabled, else
    /// "fp32". Both give bit-identical results.
    /// </summary>
    public string ScorePath => UsesPrefilter ? "int8 prefilter (AVX-VNNI) + exact fp32 rescoring of survivors" : "fp32";

    /// <summary>(user, item) pairs scored by the int8 prefilter since construction or <see cref="ResetPrefilterCounters"/>.</summary>
    public long PrefilterPairs => Interlocked.Read(ref _prefilterPairs);

    /// <summary>Of <see cref="PrefilterPairs"/>, the pairs that survived and were scored again in fp32.</summary>
    public long PrefilterSurvivors => Interlocked.Read(ref _prefilterSurvivors);

    private bool UsesPrefilter => _prefilterEnabled && PrefilterSupported;

    private static bool PrefilterSupported => AvxVnni.IsSupported && Fma.IsSupported && Avx2.IsSupported;

    /// <summary>Sets <see cref="PrefilterPairs"/> and <see cref="PrefilterSurvivors"/> to zero.</summary>
    public void ResetPrefilterCounters()
    {
        Interlocked.Exchange(ref _prefilterPairs, 0);
        Interlocked.Exchange(ref _prefilterSurvivors, 0);
    }

    /// <summary>
    /// The int8 prefilter alone (quantisation, int8 scores, each user's threshold and survivor
    /// count; no fp32 rescoring, no top-k written): what the bench times as the prefilter's own
    /// rate. Returns the survivors, or -1 when the prefilter would not run for these operands.
    /// </summary>
    public long PrefilterOnly(in ScoreTopKOperands op)
    {
        if (!UsesPrefilter)
        {
            return -1;
        }

        var padded = (op.ItemCount + 15) & ~15;
        var items = PrepareItems(op, padded);
        if (items is null)
        {
            return -1;
        }

        var operands = op;
        var prepared = items.Value;
        long survivors = 0;
        ForEachChunk(op.Users, ScoreChunkUsers, (start, end) =>
        {
            var n = PrefilterRows(operands, prepared, padded, start, end, rescore: false);
            Interlocked.Add(ref survivors, n);
        });
        return survivors;
    }

    /// <summary>Runs the prefiltered score + top-k; false when these operands take the fp32 path.</summary>
    private bool TryPrefilteredScoreTopK(in ScoreTopKOperands op)
    {
        if (!UsesPrefilter)
        {
            return false;
        }

        var padded = (op.ItemCount + 15) & ~15;
        var items = PrepareItems(op, padded);
        if (items is null)
        {
            return false;
        }

        var operands = op;
        var prepared = items.Value;
        ForEachChunk(op.Users, ScoreChunkUsers, (start, end) =>
        {
            var n = PrefilterRows(operands, prepared, padded, start, end, rescore: true);
            Interlocked.Add(ref _prefilterSurvivors, n);
            Interlocked.Add(ref _prefilterPairs, (long)(end - start) * operands.ItemCount);
        });
        return true;
    }

    /// <summary>The items quantised once per call, with the item-side terms of the bound.</summary>
    private readonly record struct PreparedItems(
        sbyte[] Quantised, int[] Offset, float[] Packed, float[] Bias, float[] PrefilterBias, float Scale, double ErrorMax, double QuantisedL1Max, double MagnitudeMax, double BiasMax, int Groups);

    /// <summary>
    /// Quantises the items into int8 tiles for <c>vpdpbusd</c>: per 16-item tile, per group of 4
    /// dimensions, two 32-byte halves of 8 items x 4 bytes; the accumulator start -128 sum_g q_ig
    /// per item; the padded bias. Null when these operands should take the fp32 path.
    /// </summary>
    private static PreparedItems? PrepareItems(in ScoreTopKOperands op, int padded)
    {
        var m = op.ItemCount;
        var d = op.Dim;
        if (m < 64 || m < 8 * op.K || d > 1024)
        {
            return null;
        }

        var items = op.Items.Host;
        var magnitude = 0f;
        for (var i = 0; i < m * d; i++)
        {
            var v = items[i];
            if (!float.IsFinite(v))
            {
                return null;
            }

            magnitude = MathF.Max(magnitude, MathF.Abs(v));
        }

        if (magnitude > MaxItemMagnitude)
        {
            return null;
        }

        var source = op.ItemBias?.Host;
        var biasMax = 0.0;
        var bias = ThreadScratch<PackedBias>.For(padded);
        var prefilterBias = ThreadScratch<PrefilterBias>.For(padded);
        for (var i = 0; i < padded; i++)
        {
            var b = i >= m ? float.NegativeInfinity : source is null ? 0f : source[i];
            bias[i] = b;
            prefilterBias[i] = float.IsNaN(b) ? float.NegativeInfinity : b;
            if (float.IsFinite(b))
            {
                biasMax = Math.Max(biasMax, Math.Abs(b));
            }
        }

        if (biasMax > MaxBound)
        {
            return null;
        }

        // Centre of each dimension: the midrange, which minimises the largest |x_ig - mu_g|.
        var centre = new double[d];
        var spread = 0.0;
        for (var g = 0; g < d; g++)
        {
            var lo = double.PositiveInfinity;
            var hi = double.NegativeInfinity;
            for (var i = 0; i < m; i++)
            {
                lo = Math.Min(lo, items[(i * d) + g]);
                hi = Math.Max(hi, items[(i * d) + g]);
            }

            centre[g] = (float)(0.5 * (lo + hi));
            for (var i = 0; i < m; i++)
            {
                spread = Math.Max(spread, Math.Abs(items[(i * d) + g] - centre[g]));
            }
        }

        var groups = (d + 3) / 4;
        var quantised = ThreadScratch<PackedInt8, sbyte>.For(padded * groups * 4);
        var offset = ThreadScratch<PackedOffset, int>.For(padded);
        Array.Clear(quantised, 0, padded * groups * 4);
        var scale = (float)(spread / 127);
        var inverse = scale > 0f ? 1f / scale : 0f;
        var errorMax = 0.0;
        var l1Max = 0.0;
        for (var i = 0; i < padded; i++)
        {
            var sum = 0;
            var l1 = 0;
            if (i < m)
            {
                var tile = (i / 16) * groups * 64;
                var half = (i % 16) / 8;
                var lane = i % 8;
                for (var g = 0; g < d; g++)
                {
                    var v = items[(i * d) + g] - centre[g];
                    var q = Math.Clamp((int)Math.Round(v * inverse), -127, 127);
                    quantised[tile + ((g / 4) * 64) + (half * 32) + (lane * 4) + (g % 4)] = (sbyte)q;
                    sum += q;
                    l1 += Math.Abs(q);
                    errorMax = Math.Max(errorMax, Math.Abs(v - ((double)scale * q)));
                }
            }

            offset[i] = -128 * sum;
            l1Max = Math.Max(l1Max, l1 * (double)scale);
        }

        // The fp32 tiles of the fp32 path ([tile][d][16]), from which survivors are rescored.
        var packed = ThreadScratch<PackedItems>.For(d * padded);
        PackItems(op, padded, packed, bias);
        return new PreparedItems(quantised, offset, packed, bias, prefilterBias, scale, errorMax, l1Max, magnitude, biasMax, groups);
    }

    /// <summary>
    /// For blocks of 4 users: int8 scores of every item (4 x 16 tiles, 8 accumulators in
    /// registers) with each tile's maximum, each user's threshold, the survivors (only tiles whose
    /// maximum reaches the threshold are scanned), and (with <paramref name="rescore"/>) the
    /// survivors' fp32 scores into the top-k. Returns the number of survivors.
    /// </summary>
    private static unsafe long PrefilterRows(in ScoreTopKOperands op, in PreparedItems p, int padded, int start, int end, bool rescore)
    {
        var k = op.K;
        var d = op.Dim;
        var groups = p.Groups;
        var tiles = padded / 16;
        var tileStride = (tiles + 7) & ~7;
        var approx = ThreadScratch<ApproxScores>.For(4 * padded);
        var maxima = ThreadScratch<ApproxMaxima>.For(4 * tileStride);
        var halfList = ThreadScratch<SurvivorList, int>.For((padded / 8) + 4);
        var quantUser = stackalloc byte[4 * groups * 4];
        var cu = stackalloc float[4];
        var bound = stackalloc double[4];
        var keepAll = stackalloc bool[4];
        var topScores = stackalloc float[k];
        var topItems = stackalloc int[k];
        var lanes = stackalloc float[64 + (2 * MaxRanked)];
        var sparseScores = ThreadScratch<SparseScores>.For(padded + MaxRanked);
        var sparseItems = ThreadScratch<SparseItems, int>.For(padded + MaxRanked);
        long survivors = 0;
        fixed (float* users = op.UserVectors.Host)
        fixed (float* rowItems = op.Items.Host)
        fixed (float* sparse = sparseScores)
        fixed (int* sparseList = sparseItems)
        fixed (float* packedItems = p.Packed)
        fixed (sbyte* qItems = p.Quantised)
        fixed (int* offset = p.Offset)
        fixed (float* biasPtr = p.Bias)
        fixed (float* prefilterBias = p.PrefilterBias)
        fixed (float* scores = approx)
        fixed (float* tileMax = maxima)
        fixed (int* list = halfList)
        {
            // Tile maxima past the last tile stay -infinity: the floor reads whole vectors.
            for (var i = 0; i < 4 * tileStride; i++)
            {
                tileMax[i] = float.NegativeInfinity;
            }

            for (var u = start; u < end; u += 4)
            {
                var valid = Math.Min(4, end - u);
                for (var r = 0; r < 4; r++)
                {
                    var row = users + ((long)(u + Math.Min(r, valid - 1)) * d);
                    QuantiseUser(row, d, groups, p, quantUser + (r * groups * 4), out cu[r], out bound[r], out keepAll[r]);
                }

                var q0 = quantUser;
                var q1 = quantUser + (groups * 4);
                var q2 = quantUser + (2 * groups * 4);
                var q3 = quantUser + (3 * groups * 4);
                var c0 = Vector256.Create(cu[0]);
                var c1 = Vector256.Create(cu[1]);
                var c2 = Vector256.Create(cu[2]);
                var c3 = Vector256.Create(cu[3]);
                for (var t = 0; t < tiles; t++)
                {
                    var column = t * 16;
                    var start0 = Vector256.Load(offset + column);
                    var start1 = Vector256.Load(offset + column + 8);
                    var a00 = start0;
                    var a01 = start1;
                    var a10 = start0;
                    var a11 = start1;
                    var a20 = start0;
                    var a21 = start1;
                    var a30 = start0;
                    var a31 = start1;
                    var b = qItems + ((long)t * groups * 64);
                    for (var j = 0; j < groups; j++)
                    {
                        var b0 = Vector256.Load(b + (j * 64));
                        var b1 = Vector256.Load(b + (j * 64) + 32);
                        var x = Vector256.Create(*(int*)(q0 + (j * 4))).AsByte();
                        a00 = AvxVnni.MultiplyWideningAndAdd(a00, x, b0);
                        a01 = AvxVnni.MultiplyWideningAndAdd(a01, x, b1);
                        x = Vector256.Create(*(int*)(q1 + (j * 4))).AsByte();
                        a10 = AvxVnni.MultiplyWideningAndAdd(a10, x, b0);
                        a11 = AvxVnni.MultiplyWideningAndAdd(a11, x, b1);
                        x = Vector256.Create(*(int*)(q2 + (j * 4))).AsByte();
                        a20 = AvxVnni.MultiplyWideningAndAdd(a20, x, b0);
                        a21 = AvxVnni.MultiplyWideningAndAdd(a21, x, b1);
                        x = Vector256.Create(*(int*)(q3 + (j * 4))).AsByte();
                        a30 = AvxVnni.MultiplyWideningAndAdd(a30, x, b0);
                        a31 = AvxVnni.MultiplyWideningAndAdd(a31, x, b1);
                    }

                    var biasLow = Vector256.Load(prefilterBias + column);
                    var biasHigh = Vector256.Load(prefilterBias + column + 8);
                    var m0 = StoreApprox(a00, a01, c0, biasLow, biasHigh, scores + column);
                    var m1 = StoreApprox(a10, a11, c1, biasLow, biasHigh, scores + padded + column);
                    var m2 = StoreApprox(a20, a21, c2, biasLow, biasHigh, scores + (2 * padded) + column);
                    var m3 = StoreApprox(a30, a31, c3, biasLow, biasHigh, scores + (3 * padded) + column);

                    // The four rows' tile maxima at once: pairwise maxima of the lanes, then the halves.
                    var m01 = Vector256.Max(Avx.UnpackLow(m0, m1), Avx.UnpackHigh(m0, m1));
                    var m23 = Vector256.Max(Avx.UnpackLow(m2, m3), Avx.UnpackHigh(m2, m3));
                    var all = Vector256.Max(
                        Avx.Shuffle(m01, m23, 0b01_00_01_00),
                        Avx.Shuffle(m01, m23, 0b11_10_11_10));
                    var rows = Vector128.Max(all.GetLower(), all.GetUpper());
                    tileMax[t] = rows.GetElement(0);
                    tileMax[tileStride + t] = rows.GetElement(1);
                    tileMax[(2 * tileStride) + t] = rows.GetElement(2);
                    tileMax[(3 * tileStride) + t] = rows.GetElement(3);
                }

                for (var r = 0; r < valid; r++)
                {
                    var row = scores + (r * padded);
                    var rowMax = tileMax + (r * tileStride);
                    int halves;
                    var kept = 0;
                    if (keepAll[r])
                    {
                        halves = AllHalves(list, 2 * tiles);
                        survivors += op.ItemCount;
                    }
                    else
                    {
                        var floor = tiles >= k ? PrefilterFloor(rowMax, tileStride, k) : PrefilterFloor(row, padded, k);
                        halves = Survivors(row, rowMax, tiles, op.ItemCount, Threshold(floor, bound[r]), list, out kept);
                        survivors += kept;
                    }

                    if (!rescore)
                    {
                        continue;
                    }

                    TopKMath.Clear(new Span<int>(topItems, k), new Span<float>(topScores, k));
                    var user = users + ((long)(u + r) * d);
                    // kept counts exactly the lanes in the list (Survivors masks both by the live items).
                    if (!keepAll[r] && (d & 7) == 0 && kept <= 2 * halves)
                    {
                        RescoreSparse(user, d, rowItems, biasPtr, list, halves, kept, topScores, topItems, k, sparse, sparseList);
                    }
                    else
                    {
                        Rescore(user, d, packedItems, biasPtr, list, halves, topScores, topItems, k, lanes);
                    }

                    new Span<float>(topScores, k).CopyTo(op.TopScores.Host.AsSpan((u + r) * k, k));
                    new Span<int>(topItems, k).CopyTo(op.TopItems.Host.AsSpan((u + r) * k, k));
                }
            }
        }

        return survivors;
    }

    /// <summary>Shat = fma(float(D), c_u, bias) for 16 items into the row; returns the lane-wise maximum of its two halves.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> StoreApprox(Vector256<int> low, Vector256<int> high, Vector256<float> c, Vector256<float> biasLow, Vector256<float> biasHigh, float* row)
    {
        var l = Fma.MultiplyAdd(Avx.ConvertToVector256Single(low), c, biasLow);
        var h = Fma.MultiplyAdd(Avx.ConvertToVector256Single(high), c, biasHigh);
        l.Store(row);
        h.Store(row + 8);
        return Vector256.Max(l, h);
    }

    /// <summary>Smallest max|u| for which a user's scale is a normal float with room to spare.</summary>
    private const float MinUserMagnitude = 7.888609e-31f; // 2^-100

    /// <summary>
    /// Quantises one user: (q + 128) as bytes in groups of 4 (padding dimensions 128, which meet
    /// zero item bytes), c_u = fl(s_u s_X), and the bound E_u of the remarks; keepAll when the
    /// bound does not apply to this user.
    /// </summary>
    private static unsafe void QuantiseUser(float* u, int d, int groups, in PreparedItems p, byte* q, out float c, out double bound, out bool keepAll)
    {
        var magnitude = 0f;
        var sum = 0f;
        var finite = true;
        var g = 0;
        if (d >= 8)
        {
            var mv = Vector256<float>.Zero;
            var sv = Vector256<float>.Zero;
            for (; g + 8 <= d; g += 8)
            {
                var v = Vector256.Abs(Vector256.Load(u + g));
                mv = Vector256.Max(mv, v);
                sv += v;
            }

            magnitude = MaxAcross(mv);
            sum = Vector256.Sum(sv);
        }

        for (; g < d; g++)
        {
            var v = MathF.Abs(u[g]);
            magnitude = MathF.Max(magnitude, v);
            sum += v;
        }

        // An infinite or NaN coordinate makes the sum infinite or NaN.
        finite = float.IsFinite(sum);
        var l1 = sum * (1 + (2 * d * Eps));
        *(int*)(q + (4 * (groups - 1))) = unchecked((int)0x80808080);
        keepAll = !finite || (magnitude > 0f && magnitude < MinUserMagnitude) || l1 * p.MagnitudeMax > MaxBound;
        if (keepAll)
        {
            c = 0f;
            bound = double.PositiveInfinity;
            return;
        }

        var scale = magnitude / 127f;
        var inverse = scale > 0f ? 1f / scale : 0f;
        g = 0;
        if (Avx512F.VL.IsSupported)
        {
            var inv = Vector256.Create(inverse);
            var offset = Vector256.Create(128);
            for (; g + 8 <= d; g += 8)
            {
                var rounded = Avx.ConvertToVector256Int32(Vector256.Load(u + g) * inv) + offset;
                *(ulong*)(q + g) = Avx512F.VL.ConvertToVector128Byte(rounded).AsUInt64().ToScalar();
            }
        }

        for (; g < d; g++)
        {
            q[g] = (byte)(128 + Math.Clamp((int)MathF.Round(u[g] * inverse), -127, 127));
        }

        c = scale * p.Scale;
        var errorU = 0.50004 * scale;
        var dMax = 127.0 * ((scale > 0f ? l1 / scale : 0.0) + (0.50004 * d));
        var gamma = (d + 1) * Eps / (1 - ((d + 1) * Eps));
        var quantisation = (l1 * p.ErrorMax) + (errorU * p.QuantisedL1Max);
        var fp32 = (gamma * ((l1 * p.MagnitudeMax) + p.BiasMax)) + ((d + 2) * Subnormal);
        var evaluation = (3 * Eps * ((scale * (double)p.Scale * dMax) + p.BiasMax)) + ((dMax + 2) * Subnormal);
        bound = (quantisation + fp32 + evaluation) * (1 + (1.0 / (1 << 20)));
        keepAll = !double.IsFinite(bound);
    }

    /// <summary>t = floor - 2 bound, rounded down to a float (-infinity when the floor is).</summary>
    private static float Threshold(float floor, double bound)
    {
        if (float.IsNegativeInfinity(floor) || float.IsNaN(floor))
        {
            return float.NegativeInfinity;
        }

        var t = floor - (2 * bound);
        var f = (float)t;
        return f > t ? MathF.BitDecrement(f) : f;
    }

    /// <summary>Every 8-item half tile in order, every lane offered (a user the bound does not cover).</summary>
    private static unsafe int AllHalves(int* list, int halves)
    {
        for (var i = 0; i < halves; i++)
        {
            list[i] = (i * 256) + 0xFF;
        }

        return halves;
    }

    /// <summary>
    /// The 8-item half tiles holding an item whose Shat reaches t, in increasing order, each as
    /// 256 h + the mask of its surviving lanes (only tiles whose maximum reaches t are looked at;
    /// the row holds no NaN: see the remarks); <paramref name="survivors"/>: the items below m
    /// that reach t.
    /// </summary>
    private static unsafe int Survivors(float* row, float* tileMax, int tiles, int m, float t, int* list, out int survivors)
    {
        var bound = Vector256.Create(t);
        var count = 0;
        survivors = 0;
        for (var tile = 0; tile < tiles; tile++)
        {
            if (!(tileMax[tile] >= t))
            {
                continue;
            }

            var i = tile * 16;
            var mask = Vector256.GreaterThanOrEqual(Vector256.Load(row + i), bound).ExtractMostSignificantBits()
                       | (Vector256.GreaterThanOrEqual(Vector256.Load(row + i + 8), bound).ExtractMostSignificantBits() << 8);
            if (m - i < 16)
            {
                mask &= (1u << (m - i)) - 1;
            }

            survivors += System.Numerics.BitOperations.PopCount(mask);
            if ((mask & 0xFF) != 0)
            {
                list[count++] = (2 * tile * 256) + (int)(mask & 0xFF);
            }

            if ((mask & 0xFF00) != 0)
            {
                list[count++] = (((2 * tile) + 1) * 256) + (int)(mask >> 8);
            }
        }

        return count;
    }

    /// <summary>
    /// A value that at least k of the n values reach (n a multiple of 8; NaN and -infinity never
    /// count, +infinity always does), close to the k-th largest: a bisection between the finite
    /// minimum and maximum on the count of values at or above the midpoint. -infinity when fewer
    /// than k values are above -infinity; +infinity when k of them are +infinity. Unlike the fp32
    /// path's floor, values of -infinity (dead items, padding) do not disable it.
    /// </summary>
    private static unsafe float PrefilterFloor(float* values, int n, int k)
    {
        var lo = Vector256.Create(float.PositiveInfinity);
        var hi = Vector256.Create(float.NegativeInfinity);
        var infinity = Vector256.Create(float.PositiveInfinity);
        var counted = 0;
        var infinite = 0;
        for (var i = 0; i < n; i += 8)
        {
            var v = Vector256.Load(values + i);
            var finite = Vector256.LessThan(Vector256.Abs(v), infinity);
            lo = Vector256.Min(lo, Vector256.ConditionalSelect(finite, v, infinity));
            hi = Vector256.Max(hi, Vector256.ConditionalSelect(finite, v, -infinity));
            counted += System.Numerics.BitOperations.PopCount(finite.ExtractMostSignificantBits());
            infinite += System.Numerics.BitOperations.PopCount(Vector256.Equals(v, infinity).ExtractMostSignificantBits());
        }

        if (infinite >= k)
        {
            return float.PositiveInfinity;
        }

        if (counted + infinite < k)
        {
            return float.NegativeInfinity;
        }

        var low = -MaxAcross(-lo);
        var high = MaxAcross(hi);

        // Invariant: at least k values reach low (all finite ones and the infinities).
        for (var step = 0; step < PrefilterFloorSteps; step++)
        {
            var mid = 0.5f * (low + high);
            if (!(mid > low && mid < high))
            {
                break;
            }

            var m = Vector256.Create(mid);
            var count = 0;
            for (var i = 0; i < n; i += 8)
            {
                count += System.Numerics.BitOperations.PopCount(Vector256.GreaterThanOrEqual(Vector256.Load(values + i), m).ExtractMostSignificantBits());
            }

            if (count >= k)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>Bisection steps of <see cref="PrefilterFloor"/>.</summary>
    private const int PrefilterFloorSteps = 8;

    /// <summary>
    /// The fp32 scores of the survivors' half tiles by the fp32 path's own sequence (a = 0;
    /// a = fma(u_g, x_g, a) for g = 0..d-1 over the same packed tiles; a + bias), eight half tiles
    /// at a time so eight chains of FMAs overlap; their surviving lanes are ranked at once
    /// (<see cref="Rank"/>), or beyond 32 survivors offered in increasing item index with the
    /// fp32 path's strict insertion (<see cref="InsertLanes"/>).
    /// </summary>
    private static unsafe void Rescore(float* u, int d, float* packed, float* bias, int* halves, int count, float* topScores, int* topItems, int k, float* lanes)
    {
        var candidateScores = lanes + 64;
        var candidateItems = (int*)(lanes + 64 + MaxRanked);
        var candidates = 0;
        for (var s = 0; s < count; s += 8)
        {
            var n = Math.Min(8, count - s);
            var p0 = HalfTile(packed, d, halves[s]);
            var p1 = HalfTile(packed, d, halves[s + Math.Min(1, n - 1)]);
            var p2 = HalfTile(packed, d, halves[s + Math.Min(2, n - 1)]);
            var p3 = HalfTile(packed, d, halves[s + Math.Min(3, n - 1)]);
            var p4 = HalfTile(packed, d, halves[s + Math.Min(4, n - 1)]);
            var p5 = HalfTile(packed, d, halves[s + Math.Min(5, n - 1)]);
            var p6 = HalfTile(packed, d, halves[s + Math.Min(6, n - 1)]);
            var p7 = HalfTile(packed, d, halves[s + Math.Min(7, n - 1)]);
            var a0 = Vector256<float>.Zero;
            var a1 = Vector256<float>.Zero;
            var a2 = Vector256<float>.Zero;
            var a3 = Vector256<float>.Zero;
            var a4 = Vector256<float>.Zero;
            var a5 = Vector256<float>.Zero;
            var a6 = Vector256<float>.Zero;
            var a7 = Vector256<float>.Zero;
            for (var g = 0; g < d; g++)
            {
                var x = Vector256.Create(u[g]);
                var offset = g * 16;
                a0 = Tile4x16.Fmadd(x, Vector256.Load(p0 + offset), a0);
                a1 = Tile4x16.Fmadd(x, Vector256.Load(p1 + offset), a1);
                a2 = Tile4x16.Fmadd(x, Vector256.Load(p2 + offset), a2);
                a3 = Tile4x16.Fmadd(x, Vector256.Load(p3 + offset), a3);
                a4 = Tile4x16.Fmadd(x, Vector256.Load(p4 + offset), a4);
                a5 = Tile4x16.Fmadd(x, Vector256.Load(p5 + offset), a5);
                a6 = Tile4x16.Fmadd(x, Vector256.Load(p6 + offset), a6);
                a7 = Tile4x16.Fmadd(x, Vector256.Load(p7 + offset), a7);
            }

            (a0 + Vector256.Load(bias + ((halves[s] >> 8) * 8))).Store(lanes);
            (a1 + Vector256.Load(bias + ((halves[s + Math.Min(1, n - 1)] >> 8) * 8))).Store(lanes + 8);
            (a2 + Vector256.Load(bias + ((halves[s + Math.Min(2, n - 1)] >> 8) * 8))).Store(lanes + 16);
            (a3 + Vector256.Load(bias + ((halves[s + Math.Min(3, n - 1)] >> 8) * 8))).Store(lanes + 24);
            (a4 + Vector256.Load(bias + ((halves[s + Math.Min(4, n - 1)] >> 8) * 8))).Store(lanes + 32);
            (a5 + Vector256.Load(bias + ((halves[s + Math.Min(5, n - 1)] >> 8) * 8))).Store(lanes + 40);
            (a6 + Vector256.Load(bias + ((halves[s + Math.Min(6, n - 1)] >> 8) * 8))).Store(lanes + 48);
            (a7 + Vector256.Load(bias + ((halves[s + Math.Min(7, n - 1)] >> 8) * 8))).Store(lanes + 56);
            for (var j = 0; j < n; j++)
            {
                var entry = halves[s + j];
                var mask = (uint)(entry & 0xFF);
                var first = (entry >> 8) * 8;
                while (mask != 0)
                {
                    var lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    if (candidates == MaxRanked)
                    {
                        // Too many to rank: offer everything so far in order, then continue by insertion.
                        OfferAll(topScores, topItems, k, candidateScores, candidateItems, candidates);
                        candidates = -1;
                    }

                    if (candidates < 0)
                    {
                        Offer(topScores, topItems, k, lanes[(8 * j) + lane], first + lane);
                    }
                    else
                    {
                        candidateScores[candidates] = lanes[(8 * j) + lane];
                        candidateItems[candidates++] = first + lane;
                    }
                }
            }
        }

        if (candidates > 0)
        {
            Rank(candidateScores, candidateItems, candidates, topScores, topItems, k);
        }
    }

    /// <summary>
    /// The survivors of scattered half tiles (at most two per half tile on average, d a multiple
    /// of 8), rescored one item per lane: eight survivors' rows (row-major items) transposed eight
    /// dimensions at a time, so lane j runs exactly the fp32 path's sequence for its item (a = 0;
    /// a = fma(u_g, x_g, a) for g = 0..d-1; a + bias) and the scores are the same bits, at an eighth
    /// of the products a half tile per survivor costs. Then ranked (up to 32) or offered in order.
    /// </summary>
    private static unsafe void RescoreSparse(float* u, int d, float* items, float* bias, int* halves, int count, int n, float* topScores, int* topItems, int k, float* scores, int* survivors)
    {
        var s = 0;
        for (var h = 0; h < count; h++)
        {
            var mask = (uint)(halves[h] & 0xFF);
            var first = (halves[h] >> 8) * 8;
            while (mask != 0)
            {
                survivors[s++] = first + System.Numerics.BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
            }
        }

        for (var b = 0; b < n; b += 8)
        {
            var last = Math.Min(8, n - b) - 1;
            var r0 = items + ((long)survivors[b] * d);
            var r1 = items + ((long)survivors[b + Math.Min(1, last)] * d);
            var r2 = items + ((long)survivors[b + Math.Min(2, last)] * d);
            var r3 = items + ((long)survivors[b + Math.Min(3, last)] * d);
            var r4 = items + ((long)survivors[b + Math.Min(4, last)] * d);
            var r5 = items + ((long)survivors[b + Math.Min(5, last)] * d);
            var r6 = items + ((long)survivors[b + Math.Min(6, last)] * d);
            var r7 = items + ((long)survivors[b + Math.Min(7, last)] * d);
            var a = Vector256<float>.Zero;
            for (var g = 0; g < d; g += 8)
            {
                // 8 x 8 transpose: column j holds dimension g + j of the eight rows.
                var t0 = Avx.UnpackLow(Vector256.Load(r0 + g), Vector256.Load(r1 + g));
                var t1 = Avx.UnpackHigh(Vector256.Load(r0 + g), Vector256.Load(r1 + g));
                var t2 = Avx.UnpackLow(Vector256.Load(r2 + g), Vector256.Load(r3 + g));
                var t3 = Avx.UnpackHigh(Vector256.Load(r2 + g), Vector256.Load(r3 + g));
                var t4 = Avx.UnpackLow(Vector256.Load(r4 + g), Vector256.Load(r5 + g));
                var t5 = Avx.UnpackHigh(Vector256.Load(r4 + g), Vector256.Load(r5 + g));
                var t6 = Avx.UnpackLow(Vector256.Load(r6 + g), Vector256.Load(r7 + g));
                var t7 = Avx.UnpackHigh(Vector256.Load(r6 + g), Vector256.Load(r7 + g));
                var s0 = Avx.Shuffle(t0, t2, 0x44);
                var s1 = Avx.Shuffle(t0, t2, 0xEE);
                var s2 = Avx.Shuffle(t1, t3, 0x44);
                var s3 = Avx.Shuffle(t1, t3, 0xEE);
                var s4 = Avx.Shuffle(t4, t6, 0x44);
                var s5 = Avx.Shuffle(t4, t6, 0xEE);
                var s6 = Avx.Shuffle(t5, t7, 0x44);
                var s7 = Avx.Shuffle(t5, t7, 0xEE);
                a = Tile4x16.Fmadd(Vector256.Create(u[g]), Avx.Permute2x128(s0, s4, 0x20), a);
                a = Tile4x16.Fmadd(Vector256.Create(u[g + 1]), Avx.Permute2x128(s1, s5, 0x20), a);
                a = Tile4x16.Fmadd(Vector256.Create(u[g + 2]), Avx.Permute2x128(s2, s6, 0x20), a);
                a = Tile4x16.Fmadd(Vector256.Create(u[g + 3]), Avx.Permute2x128(s3, s7, 0x20), a);
                a = Tile4x16.Fmadd(Vector256.Create(u[g + 4]), Avx.Permute2x128(s0, s4, 0x31), a);
                a = Tile4x16.Fmadd(Vector256.Create(u[g + 5]), Avx.Permute2x128(s1, s5, 0x31), a);
                a = Tile4x16.Fmadd(Vector256.Create(u[g + 6]), Avx.Permute2x128(s2, s6, 0x31), a);
                a = Tile4x16.Fmadd(Vector256.Create(u[g + 7]), Avx.Permute2x128(s3, s7, 0x31), a);
            }

            var itemBias = Vector256.Create(
                bias[survivors[b]],
                bias[survivors[b + Math.Min(1, last)]],
                bias[survivors[b + Math.Min(2, last)]],
                bias[survivors[b + Math.Min(3, last)]],
                bias[survivors[b + Math.Min(4, last)]],
                bias[survivors[b + Math.Min(5, last)]],
                bias[survivors[b + Math.Min(6, last)]],
                bias[survivors[b + Math.Min(7, last)]]);
            (a + itemBias).Store(scores + b);
        }

        if (n <= MaxRanked)
        {
            Rank(scores, survivors, n, topScores, topItems, k);
        }
        else
        {
            OfferAll(topScores, topItems, k, scores, survivors, n);
        }
    }

    /// <summary>The first float of half tile h (entry h * 256 + mask) in the packed fp32 tiles [tile][d][16].</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static unsafe float* HalfTile(float* packed, int d, int entry)
    {
        var h = entry >> 8;
        return packed + ((long)(h >> 1) * d * 16) + ((h & 1) * 8);
    }

    /// <summary>Candidates ranked at once by <see cref="Rank"/>; beyond, the survivors are inserted one by one.</summary>
    private const int MaxRanked = 32;

    /// <summary>
    /// The top-k of n &lt;= 32 candidates given in increasing item index, by rank: candidate i's
    /// place is the number of candidates with a higher score plus those before it (smaller index)
    /// with an equal score, which is its place in the fp32 path's order (higher score, then smaller
    /// index). NaN and -infinity never take a place (the fp32 path never inserts them); slots
    /// left over stay empty. One broadcast and a few vector compares per candidate replace the
    /// branchy insertion.
    /// </summary>
    private static unsafe void Rank(float* scores, int* items, int n, float* topScores, int* topItems, int k)
    {
        for (var i = n; i < MaxRanked; i++)
        {
            scores[i] = float.NaN;
        }

        var v0 = Vector256.Load(scores);
        var v1 = Vector256.Load(scores + 8);
        var v2 = Vector256.Load(scores + 16);
        var v3 = Vector256.Load(scores + 24);
        for (var i = 0; i < n; i++)
        {
            var s = scores[i];
            if (!(s > float.NegativeInfinity))
            {
                continue;
            }

            var b = Vector256.Create(s);
            var greater = Vector256.GreaterThan(v0, b).ExtractMostSignificantBits()
                          | (Vector256.GreaterThan(v1, b).ExtractMostSignificantBits() << 8)
                          | (Vector256.GreaterThan(v2, b).ExtractMostSignificantBits() << 16)
                          | (Vector256.GreaterThan(v3, b).ExtractMostSignificantBits() << 24);
            var equal = Vector256.Equals(v0, b).ExtractMostSignificantBits()
                        | (Vector256.Equals(v1, b).ExtractMostSignificantBits() << 8)
                        | (Vector256.Equals(v2, b).ExtractMostSignificantBits() << 16)
                        | (Vector256.Equals(v3, b).ExtractMostSignificantBits() << 24);
            var before = (uint)((1UL << i) - 1);
            var rank = System.Numerics.BitOperations.PopCount(greater) + System.Numerics.BitOperations.PopCount(equal & before);
            if (rank < k)
            {
                topScores[rank] = s;
                topItems[rank] = items[i];
            }
        }
    }

    /// <summary>Offers n candidates (scores and item indices, in increasing index) one by one.</summary>
    private static unsafe void OfferAll(float* topScores, int* topItems, int k, float* scores, int* items, int n)
    {
        for (var i = 0; i < n; i++)
        {
            Offer(topScores, topItems, k, scores[i], items[i]);
        }
    }

    /// <summary>Tag of the int8 item tiles of one call.</summary>
    private readonly struct PackedInt8;

    /// <summary>Tag of the per-item accumulator starts (-128 sum_g q_ig).</summary>
    private readonly struct PackedOffset;

    /// <summary>Tag of the low-precision scores of a block of 4 users.</summary>
    private readonly struct ApproxScores;

    /// <summary>Tag of the item bias the prefilter reads (NaN as -infinity).</summary>
    private readonly struct PrefilterBias;

    /// <summary>Tag of the tile maxima of the low-precision scores.</summary>
    private readonly struct ApproxMaxima;

    /// <summary>Tag of a user's survivor indices.</summary>
    private readonly struct SurvivorList;

    /// <summary>Tag of the fp32 scores of a user's scattered survivors.</summary>
    private readonly struct SparseScores;

    /// <summary>Tag of the item indices of a user's scattered survivors.</summary>
    private readonly struct SparseItems;
}
