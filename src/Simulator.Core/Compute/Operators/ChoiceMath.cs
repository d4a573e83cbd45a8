using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Simulator.Core.Randomness;

namespace Simulator.Core.Compute.Operators;

/// <summary>
/// Parameters of the ground-truth response model. Blittable, so it travels to GPU kernels by value.
/// Utility v = InterestWeight &lt;interest, item&gt; + QualityWeight q.
/// Choice over a slate with a no-click option (multinomial logit with position bias):
/// P(j) = g^j e^(v_j/tau) / (e^(v0/tau) + sum_l g^l e^(v_l/tau)), j = 0-based slate position.
/// Dwell of a click is log-normal: exp(min(DwellMu + DwellBeta v + DwellSigma eps, ChoiceMath.MaxLogDwell)).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ChoiceParameters(
    float InterestWeight,
    float QualityWeight,
    float Temperature,
    float NoClickUtility,
    float PositionDecay,
    float DwellMu,
    float DwellBeta,
    float DwellSigma)
{
    public float InverseTemperature => 1f / Temperature;

    /// <summary>ln of the per-position examination decay; 0 means no position bias.</summary>
    public float LogPositionDecay => MathF.Log(PositionDecay);
}

/// <summary>
/// Scalar reference of the response model. Kernels call these helpers; the engines' Choice
/// operation is tested against <see cref="RespondUser"/>.
/// </summary>
public static class ChoiceMath
{
    /// <summary>
    /// Upper bound of log dwell: e^30 (about 1e13 time units) is beyond any session a scenario
    /// means, and keeps dwell and sums of it finite in float for every accepted utility (an
    /// unbounded exp overflows to +inf once DwellBeta v exceeds about 88).
    /// </summary>
    public const float MaxLogDwell = 30f;

    /// <summary>Dwell of a click on an item of utility v: exp(min(mu + beta v + sigma eps, <see cref="MaxLogDwell"/>)).</summary>
    public static float Dwell(in ChoiceParameters p, float utility, float eps) =>
        MathF.Exp(MathF.Min(p.DwellMu + (p.DwellBeta * utility) + (p.DwellSigma * eps), MaxLogDwell));

    /// <summary>
    /// Four slate items' dot products with one interest row, side by side: each is summed in the
    /// same order as a one-item loop (so the values are bit-identical), but four independent add
    /// chains hide the latency that a single chain waits on. Used by the choice and the scorer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe (float D0, float D1, float D2, float D3) FourDots(float* w, float* r0, float* r1, float* r2, float* r3, int dim)
    {
        var d0 = 0f;
        var d1 = 0f;
        var d2 = 0f;
        var d3 = 0f;
        for (var g = 0; g < dim; g++)
        {
            var wg = w[g];
            d0 += wg * r0[g];
            d1 += wg * r1[g];
            d2 += wg * r2[g];
            d3 += wg * r3[g];
        }

        return (d0, d1, d2, d3);
    }

    /// <summary>True utility of an item for a user, without noise and without position bias.</summary>
    public static float Utility(float interestDotItem, float quality, float interestWeight, float qualityWeight) =>
        (interestWeight * interestDotItem) + (qualityWeight * quality);

    /// <summary>Logit of showing an item of utility v at a 0-based slate position.</summary>
    public static float Logit(float utility, int position, float inverseTemperature, float logPositionDecay) =>
        (utility * inverseTemperature) + (position * logPositionDecay);

    /// <summary>
    /// The response of one user to one slate. Writes P(click at position j) into probabilities,
    /// returns the chosen position (-1 for no click) and outputs the slate's click probability
    /// 1 - P(no click) (the per-impression expected_ctr metric is it / k) and the dwell time of
    /// the click (0 without one). Noise is keyed by item, not position, so
    /// the same item meets the same noise in every strategy's world.
    /// </summary>
    public static unsafe int RespondUser(
        ReadOnlySpan<float> interest,
        ReadOnlySpan<int> slate,
        ReadOnlySpan<float> items,
        ReadOnlySpan<float> quality,
        int dim,
        in ChoiceParameters p,
        ulong seed,
        uint user,
        uint tick,
        Span<float> probabilities,
        out float expectedCtr,
        out float dwell)
    {
        var invT = p.InverseTemperature;
        var logDecay = p.LogPositionDecay;
        var k = slate.Length;
        var noClickLogit = p.NoClickUtility * invT;

        // Logits and the max for a stable softmax; probabilities holds logits for now. Four
        // items' dot products run side by side (each still summed in order, so bit-identical)
        // to overlap their add chains.
        var max = noClickLogit;
        var first = 0;
        fixed (float* w = interest[..dim])
        {
            for (; first + 4 <= k; first += 4)
            {
                fixed (float* r0 = items.Slice(slate[first] * dim, dim))
                fixed (float* r1 = items.Slice(slate[first + 1] * dim, dim))
                fixed (float* r2 = items.Slice(slate[first + 2] * dim, dim))
                fixed (float* r3 = items.Slice(slate[first + 3] * dim, dim))
                {
                    var (d0, d1, d2, d3) = ChoiceMath.FourDots(w, r0, r1, r2, r3, dim);

                    max = MathF.Max(max, probabilities[first] = Logit(Utility(d0, quality[slate[first]], p.InterestWeight, p.QualityWeight), first, invT, logDecay));
                    max = MathF.Max(max, probabilities[first + 1] = Logit(Utility(d1, quality[slate[first + 1]], p.InterestWeight, p.QualityWeight), first + 1, invT, logDecay));
                    max = MathF.Max(max, probabilities[first + 2] = Logit(Utility(d2, quality[slate[first + 2]], p.InterestWeight, p.QualityWeight), first + 2, invT, logDecay));
                    max = MathF.Max(max, probabilities[first + 3] = Logit(Utility(d3, quality[slate[first + 3]], p.InterestWeight, p.QualityWeight), first + 3, invT, logDecay));
                }
            }
        }

        for (var j = first; j < k; j++)
        {
            var item = slate[j];
            var dot = 0f;
            var row = items.Slice(item * dim, dim);
            for (var g = 0; g < dim; g++)
            {
                dot += interest[g] * row[g];
            }

            var logit = Logit(Utility(dot, quality[item], p.InterestWeight, p.QualityWeight), j, invT, logDecay);
            probabilities[j] = logit;
            max = MathF.Max(max, logit);
        }

        // Gumbel-max sampling on the same logits.
        var best = -1;
        var bestKey = noClickLogit + KeyedRandom.Gumbel(seed, RandomStreams.Choice, user, tick, KeyedRandom.NoItem);
        for (var j = 0; j < k; j++)
        {
            var key = probabilities[j] + KeyedRandom.Gumbel(seed, RandomStreams.Choice, user, tick, (uint)slate[j]);
            if (key > bestKey)
            {
                bestKey = key;
                best = j;
            }
        }

        var bestLogit = best >= 0 ? probabilities[best] : 0f;
        var total = MathF.Exp(noClickLogit - max);
        for (var j = 0; j < k; j++)
        {
            var e = MathF.Exp(probabilities[j] - max);
            probabilities[j] = e;
            total += e;
        }

        var inv = 1f / total;
        var clickMass = 0f;
        for (var j = 0; j < k; j++)
        {
            probabilities[j] *= inv;
            clickMass += probabilities[j];
        }

        expectedCtr = clickMass;
        dwell = 0f;
        if (best >= 0)
        {
            // Recover the utility of the clicked item from its logit (position bias removed).
            var utility = (bestLogit - (best * logDecay)) * p.Temperature;
            var eps = KeyedRandom.Normal(seed, RandomStreams.Dwell, user, tick, (uint)slate[best]);
            dwell = Dwell(p, utility, eps);
        }

        return best;
    }
}
