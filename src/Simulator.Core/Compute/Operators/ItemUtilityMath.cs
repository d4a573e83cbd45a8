namespace Simulator.Core.Compute.Operators;

/// <summary>
/// Scalar reference of the dynamic parts of true utility. With catalog dynamics and satiation the
/// utility of item i for user u at tick t is
/// v = beta1 &lt;interest_u - (lambda / beta1) s_u, x_i&gt; + b_i(t),
/// b_i(t) = beta2 q_i + AgingWeight (R(age_i) - 1) + SocialProof ln(1 + c_i):
/// a dot product with an effective interest vector plus a per-item offset, which is exactly the
/// shape the engines' ScoreTopK (vector + item bias) and Choice (interest + weighted "quality")
/// already compute, so the oracle, the choice model and the metrics rank by the same utility.
/// </summary>
internal static class ItemUtilityMath
{
    /// <summary>The utility offset of one item: quality, attention aging and social proof.</summary>
    public static float Offset(
        float quality, float qualityWeight, ForgettingCurve agingCurve, float agingWeight, float agingScale, float agingShape, float age, long clicks, float socialProof)
    {
        var offset = qualityWeight * quality;
        if (agingWeight != 0f)
        {
            offset += agingWeight * (ForgettingMath.Retention(agingCurve, age, agingScale, agingShape) - 1f);
        }

        if (socialProof != 0f)
        {
            offset += socialProof * MathF.Log(1f + clicks);
        }

        return offset;
    }

    /// <summary>
    /// The choice parameters that make the engines' Choice compute beta1 &lt;e, x&gt; + b_i when its
    /// quality column holds the offsets b_i: quality weight 1, everything else unchanged.
    /// </summary>
    public static ChoiceParameters WithOffsetColumn(in ChoiceParameters p) => p with { QualityWeight = 1f };
}
