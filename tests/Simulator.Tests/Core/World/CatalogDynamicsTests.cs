using MathNet.Numerics.Distributions;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Tests.Core.World;

/// <summary>
/// The catalog side of the world against its own formulas: Poisson arrivals (counts vs rate),
/// the live prefix, attention aging (the configured curve) and social proof (log of clicks).
/// </summary>
public sealed class CatalogDynamicsTests
{
    private static readonly ChoiceParameters Choice = new(12f, 0.5f, 1f, 1.5f, 0.9f, 2f, 0.3f, 0.5f);

    /// <summary>
    /// Mean and variance both equal the rate (4 standard errors), and the histogram passes a
    /// chi-square test at the 99.9% quantile (bins with expected count &gt;= 5, the tail pooled).
    /// Rate 40 exercises the chunked draw (several inversions summed).
    /// </summary>
    [Theory]
    [InlineData(0.7)]
    [InlineData(3.5)]
    [InlineData(40.0)]
    public void Arrival_counts_follow_the_poisson_rate(double rate)
    {
        const int ticks = 20_000;
        var counts = new long[ticks];
        for (var t = 0; t < ticks; t++)
        {
            counts[t] = ItemArrivals.Poisson(5, (uint)(t + 1), rate);
        }

        var mean = counts.Average();
        var variance = counts.Sum(c => (c - mean) * (c - mean)) / (ticks - 1);
        Assert.True(Math.Abs(mean - rate) < 4 * Math.Sqrt(rate / ticks), $"mean {mean} vs rate {rate}");
        Assert.True(Math.Abs(variance - rate) < 4 * Math.Sqrt((rate + (2 * rate * rate)) / ticks), $"variance {variance} vs rate {rate}");

        var poisson = new Poisson(rate);
        var chi2 = 0.0;
        var bins = 0;
        var lower = 0;
        while (poisson.CumulativeDistribution(lower) * ticks < 5)
        {
            lower++;
        }

        var k = lower;
        var pooledBelow = poisson.CumulativeDistribution(lower);
        chi2 += Term(counts.Count(c => c <= lower), pooledBelow * ticks);
        bins++;
        for (k = lower + 1; (1 - poisson.CumulativeDistribution(k)) * ticks >= 5; k++)
        {
            chi2 += Term(counts.Count(c => c == k), poisson.Probability(k) * ticks);
            bins++;
        }

        chi2 += Term(counts.Count(c => c >= k), (1 - poisson.CumulativeDistribution(k - 1)) * ticks);
        bins++;
        var limit = ChiSquared.InvCDF(bins - 1, 0.999);
        Assert.True(chi2 < limit, $"chi-square {chi2:F1} over {bins} bins, limit {limit:F1}");

        static double Term(long observed, double expected) => (observed - expected) * (observed - expected) / expected;
    }

    [Fact]
    public void Items_arrive_in_index_order_so_the_live_set_is_a_prefix_that_fills_the_catalog()
    {
        var spec = CatalogDynamicsSpec.Static with { InitialItems = 20, ArrivalRate = 2f };
        var arrivals = new ItemArrivals(spec, 60, 100, 9);
        Assert.All(arrivals.ArrivalTick[..20], t => Assert.Equal(0, t));
        Assert.Equal(20, arrivals.LiveAt(0));
        for (var i = 1; i < 60; i++)
        {
            Assert.True(arrivals.ArrivalTick[i] >= arrivals.ArrivalTick[i - 1], "arrival ticks follow item index");
        }

        for (var t = 1; t < 100; t++)
        {
            var expected = Math.Min(60, arrivals.LiveAt(t - 1) + ItemArrivals.Poisson(9, (uint)t, 2.0));
            Assert.Equal(expected, arrivals.LiveAt(t));
            Assert.Equal(arrivals.LiveAt(t), arrivals.ArrivalTick.Count(a => a <= t));
        }

        Assert.Equal(60, arrivals.LiveAt(99));

        var none = new ItemArrivals(CatalogDynamicsSpec.Static, 60, 10, 9);
        Assert.Equal(60, none.LiveAt(0));
        Assert.Equal(60, none.LiveAt(9));
    }

    /// <summary>Aging term w (R(age) - 1): -w/2 at one half-life (exponential), w (2^-d - 1) at age tau (power law).</summary>
    [Theory]
    [InlineData(ForgettingCurve.Exponential, 5f, 1f, 1f)]
    [InlineData(ForgettingCurve.Exponential, 5f, 1f, 0.5f)]
    [InlineData(ForgettingCurve.PowerLaw, 4f, 1.5f, 1f)]
    [InlineData(ForgettingCurve.Sigmoid, 6f, 2f, 1f)]
    public void Aging_lowers_utility_along_its_curve(ForgettingCurve curve, float scale, float shape, float tickLength)
    {
        const float weight = 2f;
        var spec = CatalogDynamicsSpec.Static with { AgingCurve = curve, AgingWeight = weight, AgingScale = scale, AgingShape = shape };
        var engine = new ReferenceEngine();
        float[] quality = [0.4f, -0.2f, 0.1f, 0.3f];
        int[] arrival = [0, 3, 10, 10];
        using var appeal = new ItemAppeal(engine, 4, spec, Choice, tickLength);
        for (var tick = 10; tick < 40; tick += 7)
        {
            appeal.Update(tick, 4, quality, arrival);
            for (var i = 0; i < 4; i++)
            {
                var age = (tick - arrival[i]) * tickLength;
                var retention = ForgettingMath.Retention(curve, age, scale, shape);
                var expected = (Choice.QualityWeight * quality[i]) + (weight * (retention - 1f));
                Assert.Equal(expected, appeal.Offsets.Host[i], 5);
                Assert.Equal(expected / Choice.InterestWeight, appeal.IdealBias.Host[i], 6);
            }
        }

        // A fresh item has no penalty; the closed forms of the curves at their scale.
        appeal.Update(10, 4, quality, arrival);
        Assert.Equal(Choice.QualityWeight * quality[2], appeal.Offsets.Host[2], 6);
        var atScale = curve switch
        {
            ForgettingCurve.Exponential => 0.5f,
            ForgettingCurve.PowerLaw => MathF.Pow(2f, -shape),
            _ => (1f + MathF.Exp(-scale / shape)) / 2f,
        };
        var tickAtScale = (int)MathF.Round(scale / tickLength);
        if (Math.Abs((tickAtScale * tickLength) - scale) < 1e-6 && tickAtScale <= 10)
        {
            appeal.Update(10, 4, quality, [0, 10 - tickAtScale, 10, 10]);
            Assert.Equal((Choice.QualityWeight * quality[1]) + (weight * (atScale - 1f)), appeal.Offsets.Host[1], 5);
        }
    }

    [Fact]
    public void Social_proof_adds_the_log_of_clicks_counted_per_shard_whatever_the_shard_count()
    {
        var spec = CatalogDynamicsSpec.Static with { SocialProof = 0.8f };
        var engine = new ReferenceEngine();
        const int users = 50, k = 3, items = 7;
        var slates = new int[users * k];
        var chosen = new int[users];
        for (var u = 0; u < users; u++)
        {
            for (var j = 0; j < k; j++)
            {
                slates[(u * k) + j] = (u + j) % items;
            }

            chosen[u] = (u % 4) - 1;
        }

        var expectedClicks = new long[items];
        for (var u = 0; u < users; u++)
        {
            if (chosen[u] >= 0)
            {
                expectedClicks[slates[(u * k) + chosen[u]]] += 2;
            }
        }

        float[] quality = [0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f];
        var arrival = new int[items];
        foreach (var shards in new[] { 1, 3, 8 })
        {
            using var appeal = new ItemAppeal(engine, items, spec, Choice, 1f);
            var layout = new ShardLayout(users, shards);
            appeal.CountClicks(layout, new ParallelOptions(), slates, chosen, k);
            appeal.CountClicks(layout, new ParallelOptions(), slates, chosen, k);
            Assert.Equal(expectedClicks, appeal.Clicks);
            appeal.Update(2, items, quality, arrival);
            for (var i = 0; i < items; i++)
            {
                var expected = (Choice.QualityWeight * quality[i]) + (0.8f * MathF.Log(1f + expectedClicks[i]));
                Assert.Equal(expected, appeal.Offsets.Host[i], 5);
            }
        }
    }

    /// <summary>Only the live prefix gets offsets: entries of items yet to arrive stay 0 and are never scored.</summary>
    [Fact]
    public void Offsets_are_written_only_for_live_items()
    {
        var spec = CatalogDynamicsSpec.Static with { AgingWeight = 1f };
        using var appeal = new ItemAppeal(new ReferenceEngine(), 5, spec, Choice, 1f);
        appeal.Update(3, 2, [1f, 1f, 1f, 1f, 1f], [0, 2, int.MaxValue, int.MaxValue, int.MaxValue]);
        Assert.NotEqual(0f, appeal.Offsets.Host[0]);
        Assert.NotEqual(0f, appeal.Offsets.Host[1]);
        Assert.Equal([0f, 0f, 0f], appeal.Offsets.Host[2..]);
    }
}
