using System.Runtime.Intrinsics;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Tests.Core.Randomness;

/// <summary>The vector keyed normals against the scalar Box-Muller they replace in Thompson sampling.</summary>
public sealed class KeyedNormalsTests
{
    /// <summary>Stated agreement with <see cref="KeyedRandom.Normal"/> (absolute; draws reach 5.9).</summary>
    private const float Agreement = 2e-6f;

    [Fact]
    public void Eight_at_once_agree_with_the_scalar_draws_and_with_one_at_a_time()
    {
        var worst = 0f;
        var items = new int[KeyedNormals.Width];
        for (uint user = 0; user < 200; user++)
        {
            var key = KeyedRandom.UserTickKey(9, RandomStreams.StrategyThompson, user, 3);
            for (var first = 0; first < 400; first += KeyedNormals.Width)
            {
                for (var j = 0; j < items.Length; j++)
                {
                    items[j] = first + (j * 3);
                }

                var eight = KeyedNormals.Eight(key, items);
                for (var j = 0; j < items.Length; j++)
                {
                    Assert.Equal(eight.GetElement(j), KeyedNormals.One(key, items[j]));
                    var scalar = KeyedRandom.Normal(9, RandomStreams.StrategyThompson, user, 3, (uint)items[j]);
                    worst = MathF.Max(worst, MathF.Abs(eight.GetElement(j) - scalar));
                }
            }
        }

        Assert.True(worst <= Agreement, $"worst difference {worst:E3}");
    }

    [Fact]
    public void Draws_are_standard_normal_and_bounded()
    {
        var sum = 0.0;
        var squares = 0.0;
        const int n = 200_000;
        var key = KeyedRandom.UserTickKey(1, RandomStreams.StrategyThompson, 5, 7);
        for (var i = 0; i < n; i++)
        {
            var z = KeyedNormals.One(key, i);
            Assert.True(MathF.Abs(z) <= KeyedRandom.NormalBound);
            sum += z;
            squares += z * z;
        }

        // Mean within 4 standard errors of 0; variance within 4 standard errors (sqrt(2/n)) of 1.
        Assert.InRange(sum / n, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange((squares / n) - ((sum / n) * (sum / n)), 1 - (4 * Math.Sqrt(2.0 / n)), 1 + (4 * Math.Sqrt(2.0 / n)));
    }

    [Fact]
    public void Cosine_of_two_pi_u_is_within_2e_7()
    {
        var worst = 0.0;
        for (var u = -2f; u <= 2f; u += 0.000731f)
        {
            worst = Math.Max(worst, Math.Abs(FastVectorMath.CosTwoPi(Vector256.Create(u)).GetElement(2) - Math.Cos(2 * Math.PI * u)));
        }

        Assert.True(worst <= 2e-7, $"worst difference {worst:E3}");
    }
}
