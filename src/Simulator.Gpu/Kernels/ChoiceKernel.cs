using ILGPU;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of the choice operands.</summary>
internal struct ChoiceViews
{
    public ArrayView<float> Interest;
    public ArrayView<int> Slates;
    public ArrayView<float> Items;
    public ArrayView<float> Quality;
    public ArrayView<byte> Active;
    public ArrayView<int> ChosenPosition;
    public ArrayView<float> ExpectedCtr;
    public ArrayView<float> Probabilities;
    public ArrayView<float> Dwell;
}

/// <summary>Scalar choice operands.</summary>
internal struct ChoiceScalars
{
    public int Users;
    public int Dim;
    public int K;
    public int HasActive;
    public ulong Seed;
    public int Tick;
    public int FirstUser;
    public ChoiceParameters Parameters;
}

/// <summary>
/// The response model, one thread per user: the same steps in the same order as
/// <see cref="ChoiceMath.RespondUser"/> (logits kept in the probability row, Gumbel-max on the
/// logits, stable softmax, log-normal dwell), so results match it up to transcendental rounding.
/// </summary>
internal static class ChoiceKernel
{
    public static void Kernel(ChoiceViews v, ChoiceScalars s)
    {
        var stride = Grid.DimX * Group.DimX;
        for (var u = Grid.GlobalIndex.X; u < s.Users; u += stride)
        {
            RespondUser(v, s, u);
        }
    }

    private static void RespondUser(ChoiceViews v, ChoiceScalars s, int u)
    {
        var k = s.K;
        var row = (long)u * k;
        if (s.HasActive != 0 && v.Active[u] == 0)
        {
            v.ChosenPosition[u] = -1;
            v.ExpectedCtr[u] = 0f;
            v.Dwell[u] = 0f;
            for (var j = 0; j < k; j++)
            {
                v.Probabilities[row + j] = 0f;
            }

            return;
        }

        var p = s.Parameters;
        var invT = p.InverseTemperature;
        var logDecay = p.LogPositionDecay;
        var noClickLogit = p.NoClickUtility * invT;
        var interestRow = (long)u * s.Dim;

        var max = noClickLogit;
        for (var j = 0; j < k; j++)
        {
            var item = v.Slates[row + j];
            var itemRow = (long)item * s.Dim;
            var dot = 0f;
            for (var g = 0; g < s.Dim; g++)
            {
                dot += v.Interest[interestRow + g] * v.Items[itemRow + g];
            }

            var logit = ChoiceMath.Logit(ChoiceMath.Utility(dot, v.Quality[item], p.InterestWeight, p.QualityWeight), j, invT, logDecay);
            v.Probabilities[row + j] = logit;
            max = MathF.Max(max, logit);
        }

        var best = -1;
        var bestKey = noClickLogit + KeyedRandom.Gumbel(s.Seed, RandomStreams.Choice, (uint)(s.FirstUser + u), (uint)s.Tick, KeyedRandom.NoItem);
        for (var j = 0; j < k; j++)
        {
            var key = v.Probabilities[row + j] + KeyedRandom.Gumbel(s.Seed, RandomStreams.Choice, (uint)(s.FirstUser + u), (uint)s.Tick, (uint)v.Slates[row + j]);
            if (key > bestKey)
            {
                bestKey = key;
                best = j;
            }
        }

        var bestLogit = best >= 0 ? v.Probabilities[row + best] : 0f;
        var total = MathF.Exp(noClickLogit - max);
        for (var j = 0; j < k; j++)
        {
            var e = MathF.Exp(v.Probabilities[row + j] - max);
            v.Probabilities[row + j] = e;
            total += e;
        }

        var inv = 1f / total;
        var clickMass = 0f;
        for (var j = 0; j < k; j++)
        {
            var q = v.Probabilities[row + j] * inv;
            v.Probabilities[row + j] = q;
            clickMass += q;
        }

        v.ExpectedCtr[u] = clickMass;
        var dwell = 0f;
        if (best >= 0)
        {
            var utility = (bestLogit - (best * logDecay)) * p.Temperature;
            var eps = KeyedRandom.Normal(s.Seed, RandomStreams.Dwell, (uint)(s.FirstUser + u), (uint)s.Tick, (uint)v.Slates[row + best]);
            dwell = ChoiceMath.Dwell(p, utility, eps);
        }

        v.Dwell[u] = dwell;
        v.ChosenPosition[u] = best;
    }
}
