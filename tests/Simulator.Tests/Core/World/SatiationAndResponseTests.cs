using MathNet.Numerics.Distributions;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Tests.Core.World;

/// <summary>
/// Satiation against its recursion, and the response model with every utility term on: sampled
/// choices of the engines match the logit probabilities (no click and position bias included),
/// and the exact expected response the metrics compute equals the engines' one.
/// </summary>
public sealed class SatiationAndResponseTests
{
    private static readonly ChoiceParameters Choice = new(12f, 0.5f, 1f, 1.5f, 0.8f, 2f, 0.3f, 0.5f);

    [Fact]
    public void Satiation_follows_its_recursion_and_lowers_utility_by_lambda_s_dot_x()
    {
        const int users = 3, dim = 4, k = 2, ticks = 6;
        const float lambda = 3f, gamma = 0.5f;
        var satiation = new Satiation(new ReferenceEngine(), users, dim, new SatiationSpec(lambda, gamma), Choice.InterestWeight);
        int[] topic = [0, 2, 3, 2];
        int[] slates = [0, 1, 1, 2, 3, 0];
        var expected = new double[users * dim];
        for (var t = 0; t < ticks; t++)
        {
            // User 0 clicks position 0 (item 0, topic 0) every tick; user 1 clicks item 2 (topic 3)
            // on even ticks only; user 2 never clicks (its satiation only decays).
            int[] chosen = [0, t % 2 == 0 ? 1 : -1, -1];
            satiation.Accumulate(slates, chosen, topic, k, 0, users);
            for (var i = 0; i < expected.Length; i++)
            {
                expected[i] *= gamma;
            }

            expected[0 * dim] += 1;
            if (t % 2 == 0)
            {
                expected[(1 * dim) + 3] += 1;
            }
        }

        // Closed forms: user 0 clicked every tick, so s = sum_{j<6} gamma^j; user 1 on ticks 0, 2, 4.
        Assert.Equal((1 - Math.Pow(gamma, ticks)) / (1 - gamma), satiation.Level[0], 6);
        Assert.Equal(Math.Pow(gamma, 1) + Math.Pow(gamma, 3) + Math.Pow(gamma, 5), satiation.Level[dim + 3], 6);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], satiation.Level[i], 6);
        }

        // Effective interest: beta1 <effective, x> = beta1 <interest, x> - lambda <s, x>, for users in any range split.
        var interest = new float[users * dim];
        for (var i = 0; i < interest.Length; i++)
        {
            interest[i] = 0.1f * (i + 1);
        }

        satiation.UpdateEffectiveInterest(interest, 0, 1);
        satiation.UpdateEffectiveInterest(interest, 1, users);
        float[] x = [0.7f, 0.1f, 0.15f, 0.05f];
        for (var u = 0; u < users; u++)
        {
            double effectiveDot = 0, interestDot = 0, satiationDot = 0;
            for (var g = 0; g < dim; g++)
            {
                effectiveDot += satiation.EffectiveInterest.Host[(u * dim) + g] * x[g];
                interestDot += interest[(u * dim) + g] * x[g];
                satiationDot += satiation.Level[(u * dim) + g] * x[g];
            }

            Assert.Equal((Choice.InterestWeight * interestDot) - (lambda * satiationDot), Choice.InterestWeight * effectiveDot, 4);
        }
    }

    /// <summary>
    /// 20,000 users with the same interest, satiation and slate, each with its own keyed noise: the
    /// sampled positions (and no click) of each engine against P(j) = g^j e^(v_j/tau) / (e^(v_0/tau) +
    /// sum_l g^l e^(v_l/tau)) computed here from the raw terms of utility (interest, satiation, quality,
    /// aging, social proof). Tolerance: the 99.9% quantile of chi-square with k degrees of freedom.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sampled_choices_with_every_utility_term_match_the_logit_probabilities(bool reference)
    {
        const int users = 20_000, dim = 3, k = 4, items = 5;
        const float lambda = 2f, agingWeight = 1.5f, social = 0.4f;
        float[] interest1 = [0.3f, 0.2f, 0.1f];
        float[] satiation1 = [1.2f, 0f, 0.5f];
        float[] itemRows = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f];
        float[] quality = [0.2f, -0.1f, 0.3f, 0f, 1f];
        float[] retention = [1f, 0.5f, 0.8f, 0.25f, 1f];
        long[] clicks = [0, 10, 3, 100, 0];
        int[] slate1 = [3, 0, 2, 1];

        // Raw utilities and probabilities, straight from the model's definition.
        var expectedP = new double[k];
        var weights = new double[k];
        var total = Math.Exp(Choice.NoClickUtility / Choice.Temperature);
        for (var j = 0; j < k; j++)
        {
            var i = slate1[j];
            double dotInterest = 0, dotSatiation = 0;
            for (var g = 0; g < dim; g++)
            {
                dotInterest += interest1[g] * itemRows[(i * dim) + g];
                dotSatiation += satiation1[g] * itemRows[(i * dim) + g];
            }

            var v = (Choice.InterestWeight * dotInterest) + (Choice.QualityWeight * quality[i]) - (lambda * dotSatiation)
                + (agingWeight * (retention[i] - 1)) + (social * Math.Log(1 + clicks[i]));
            weights[j] = Math.Pow(Choice.PositionDecay, j) * Math.Exp(v / Choice.Temperature);
            total += weights[j];
        }

        for (var j = 0; j < k; j++)
        {
            expectedP[j] = weights[j] / total;
        }

        // The same world in the simulator's columns: effective interest and offsets b_i.
        var effective = new float[users * dim];
        for (var u = 0; u < users; u++)
        {
            for (var g = 0; g < dim; g++)
            {
                effective[(u * dim) + g] = interest1[g] - (lambda / Choice.InterestWeight * satiation1[g]);
            }
        }

        var offsets = new float[items];
        for (var i = 0; i < items; i++)
        {
            offsets[i] = (Choice.QualityWeight * quality[i]) + (agingWeight * (retention[i] - 1)) + (social * MathF.Log(1 + clicks[i]));
        }

        var slates = new int[users * k];
        for (var u = 0; u < users; u++)
        {
            slate1.CopyTo(slates, u * k);
        }

        IComputeEngine engine = reference ? new ReferenceEngine() : new CpuEngine(2);
        var chosen = new int[users];
        var ctr = new float[users];
        var probabilities = new float[users * k];
        var dwell = new float[users];
        var p = ItemUtilityMath.WithOffsetColumn(Choice);
        engine.Choice(new ChoiceOperands(
            users, items, dim, k, engine.Bind(effective), engine.Bind(slates), engine.Bind(itemRows), engine.Bind(offsets), null, p, 77, 3,
            engine.Bind(chosen), engine.Bind(ctr), engine.Bind(probabilities), engine.Bind(dwell)));

        // The engine's exact probabilities are the model's; the metrics' expected CTR is the engine's.
        for (var j = 0; j < k; j++)
        {
            Assert.Equal(expectedP[j], probabilities[j], 5);
        }

        var utility = new double[k];
        TickScorer.Utilities(effective.AsSpan(0, dim), slate1, itemRows, offsets, dim, p, utility);
        Assert.Equal(ctr[0], RankingMetrics.SlateClickProbability(utility, p), 5);
        Assert.Equal(ctr[0] / k, RankingMetrics.ExpectedCtr(utility, p), 5);
        Assert.Equal(expectedP.Sum(), ctr[0], 5);

        var counts = new int[k + 1];
        foreach (var c in chosen)
        {
            counts[c + 1]++;
        }

        var chi2 = 0.0;
        for (var j = -1; j < k; j++)
        {
            var e = (j < 0 ? 1.0 - expectedP.Sum() : expectedP[j]) * users;
            chi2 += (counts[j + 1] - e) * (counts[j + 1] - e) / e;
        }

        var limit = ChiSquared.InvCDF(k, 0.999);
        Assert.True(chi2 < limit, $"chi-square {chi2:F2} (limit {limit:F2}) with counts {string.Join(",", counts)}");
        Assert.True(counts[0] > 0 && counts.Skip(1).All(c => c > 0), "no-click and every position were sampled");
    }
}
