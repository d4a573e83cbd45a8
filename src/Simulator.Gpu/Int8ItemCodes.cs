using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

/// <summary>
/// The item side of the GPU's int8 prefilter (see <see cref="Int8Prefilter32Kernel"/> for the
/// bound and its proof): every item's int8 codes, four per int, 32 dimensions padded with zeros;
/// the bias the prefilter adds (+infinity for an item it must always rescore, -infinity for
/// padding); the centre mu; and the item-side terms of each user's error bound. Built on the host
/// in double precision from the device's items, once per call.
/// </summary>
internal sealed class Int8ItemCodes
{
    /// <summary>Largest |x| of an item vector, and largest finite |bias|, for which an item is filtered (beyond: always rescored).</summary>
    public const double MaxItemMagnitude = 1.125899906842624e15; // 2^50

    public const double MaxBias = 1.2676506002282294e30; // 2^100

    /// <summary>Smallest item scale for which the call is filtered (below: the fp32 path).</summary>
    public const double MinScale = 7.888609052210118e-31; // 2^-100

    private Int8ItemCodes(int[] codes, float[] prefilterBias, float[] mu, Int8ItemBound bound)
    {
        Codes = codes;
        PrefilterBias = prefilterBias;
        Mu = mu;
        Bound = bound;
    }

    /// <summary>[padded item][8 ints], each int four signed bytes (dimension 4j + b in byte b).</summary>
    public int[] Codes { get; }

    public float[] PrefilterBias { get; }

    /// <summary>The centre the codes quantise x - mu around (32 floats, zeros beyond the dimension).</summary>
    public float[] Mu { get; }

    public Int8ItemBound Bound { get; }

    /// <summary>
    /// Quantises <paramref name="items"/> ([item][dim]) with <paramref name="bias"/> (null: none)
    /// into <paramref name="padded"/> rows. Null when the items' scale is too small to bound (the
    /// call then takes the fp32 path).
    /// </summary>
    public static Int8ItemCodes? Build(float[] items, float[]? bias, int itemCount, int dim, int padded)
    {
        const int width = ScoreTopK32Kernel.MaxDim;
        var filtered = new bool[itemCount];
        var low = new double[dim];
        var high = new double[dim];
        Array.Fill(low, double.PositiveInfinity);
        Array.Fill(high, double.NegativeInfinity);
        double magnitude = 0, biasMax = 0;
        for (var i = 0; i < itemCount; i++)
        {
            var b = bias?[i] ?? 0f;
            var ok = !float.IsNaN(b) && !float.IsPositiveInfinity(b) && (float.IsNegativeInfinity(b) || Math.Abs(b) <= MaxBias);
            for (var g = 0; g < dim && ok; g++)
            {
                var x = items[((long)i * dim) + g];
                ok = float.IsFinite(x) && Math.Abs(x) <= MaxItemMagnitude;
            }

            filtered[i] = ok;
            if (!ok)
            {
                continue;
            }

            if (float.IsFinite(b))
            {
                biasMax = Math.Max(biasMax, Math.Abs(b));
            }

            for (var g = 0; g < dim; g++)
            {
                double x = items[((long)i * dim) + g];
                magnitude = Math.Max(magnitude, Math.Abs(x));
                low[g] = Math.Min(low[g], x);
                high[g] = Math.Max(high[g], x);
            }
        }

        var mu = new float[width];
        double deviation = 0;
        for (var g = 0; g < dim; g++)
        {
            mu[g] = high[g] >= low[g] ? (float)((low[g] + high[g]) / 2) : 0f;
        }

        for (var i = 0; i < itemCount; i++)
        {
            for (var g = 0; g < dim && filtered[i]; g++)
            {
                deviation = Math.Max(deviation, Math.Abs((double)items[((long)i * dim) + g] - mu[g]));
            }
        }

        var scale = (float)(deviation / 127);
        if (deviation > 0 && scale < MinScale)
        {
            return null;
        }

        var codes = new int[(long)padded * 8];
        var prefilterBias = new float[padded];
        double error = 0;
        long codeL1Max = 0;
        for (var i = 0; i < padded; i++)
        {
            if (i >= itemCount)
            {
                prefilterBias[i] = float.NegativeInfinity;
                continue;
            }

            if (!filtered[i])
            {
                prefilterBias[i] = float.PositiveInfinity;
                continue;
            }

            prefilterBias[i] = bias?[i] ?? 0f;
            long codeL1 = 0;
            for (var g = 0; g < dim; g++)
            {
                var centred = (double)items[((long)i * dim) + g] - mu[g];
                var q = scale > 0 ? (int)Math.Clamp(Math.Round(centred / scale), -127, 127) : 0;
                error = Math.Max(error, Math.Abs(centred - ((double)scale * q)));
                codeL1 += Math.Abs(q);
                codes[((long)i * 8) + (g >> 2)] |= (q & 0xFF) << ((g & 3) * 8);
            }

            codeL1Max = Math.Max(codeL1Max, codeL1);
        }

        // The double evaluation of x - mu - s q rounds three times, each by at most 2^-53 of a
        // magnitude below 2 (max|x| + max|mu|) <= 4 max|x|; 2^-48 max|x| covers them.
        var measured = (error * (1 + Int8Prefilter32Kernel.Slack)) + (magnitude * 3.552713678800501e-15);
        var bound = new Int8ItemBound
        {
            Scale = scale,
            Error = measured,
            QuantisedL1Max = (double)scale * codeL1Max,
            Magnitude = magnitude,
            BiasMax = biasMax,
        };
        return new Int8ItemCodes(codes, prefilterBias, mu, bound);
    }
}
