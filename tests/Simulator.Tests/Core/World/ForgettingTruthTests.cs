using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Simulation.Stages;
using Simulator.Core.World;

namespace Simulator.Tests.Core.World;

/// <summary>
/// The true forgetting of a population against the configured curves: the mean strength of an
/// unreinforced interest over heterogeneous users equals baseline + (1 - baseline) E[R(dt)], the
/// expectation taken over the log-normal per-user speed by quadrature (independent of the draws).
/// </summary>
public sealed class ForgettingTruthTests
{
    private const float Baseline = 0.1f;
    private const double Heterogeneity = 0.5;

    private static Scenario Scenario(string curve, int users, string extra = "") => ScenarioParser.Parse(
        $$"""
        {
          "seed": 5, "slateSize": 1, "population": { "users": {{users}}, "topics": 2 }, "catalog": { "items": 4 },
          "forgetting": { {{curve}}, "heterogeneity": {{Heterogeneity}}, "baseline": {{Baseline}}{{extra}} },
          "drift": { "kind": "stationary" }, "strategies": ["random"]
        }
        """,
        "forgetting-test");

    /// <summary>Textbook retention curves, written here again so the test does not read the code it checks.</summary>
    private static double Retention(ForgettingCurve curve, double dt, double p1, double p2) => curve switch
    {
        ForgettingCurve.Exponential => Math.Pow(2, -dt / p1),
        ForgettingCurve.Sigmoid => (1 + Math.Exp(-p1 / p2)) / (1 + Math.Exp((dt - p1) / p2)),
        _ => Math.Pow(1 + (dt / p1), -p2),
    };

    /// <summary>E over Z ~ N(0,1) of R(dt) with parameter 1 (and the sigmoid's width) scaled by e^(h Z): trapezoid on [-8, 8].</summary>
    private static double ExpectedRetention(ForgettingCurve curve, double dt, double p1, double p2)
    {
        const int steps = 4000;
        var sum = 0.0;
        for (var i = 0; i <= steps; i++)
        {
            var z = -8.0 + (16.0 * i / steps);
            var factor = Math.Exp(Heterogeneity * z);
            var weight = (i == 0 || i == steps ? 0.5 : 1.0) * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI) * (16.0 / steps);
            sum += weight * Retention(curve, dt, p1 * factor, curve == ForgettingCurve.Sigmoid ? p2 * factor : p2);
        }

        return sum;
    }

    public static TheoryData<string, int, double, double> Curves() => new()
    {
        { "\"curve\": \"exponential\", \"halfLife\": 6", (int)ForgettingCurve.Exponential, 6, 0 },
        { "\"curve\": \"sigmoid\", \"midpoint\": 8, \"width\": 2", (int)ForgettingCurve.Sigmoid, 8, 2 },
        { "\"curve\": \"power-law\", \"tau\": 3, \"exponent\": 0.7", (int)ForgettingCurve.PowerLaw, 3, 0.7 },
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public void Mean_unreinforced_strength_follows_the_configured_curve(string curveFields, int curveIndex, double p1, double p2)
    {
        const int users = 4000;
        var curve = (ForgettingCurve)curveIndex;
        var scenario = Scenario(curveFields, users);
        using var engine = new CpuEngine(2);
        using var population = new Population(engine, scenario, scenario.Seed, new ParallelOptions());
        using var world = new WorldState(engine, users, 2, 1);
        foreach (var tick in new[] { 0, 2, 5, 10, 20, 40 })
        {
            engine.Decay(new DecayOperands(
                users, 2, curve, world.Peak, world.LastEngaged, population.CurveP1, population.CurveP2, null, world.Interest, Baseline, tick, 1f));
            world.Interest.Download();
            var strength = Enumerable.Range(0, users).Select(u => (double)world.Interest.Host[u * 2]).ToArray();
            var mean = strength.Average();
            var sd = Math.Sqrt(strength.Sum(x => (x - mean) * (x - mean)) / (users - 1));
            var expected = Baseline + ((1 - Baseline) * ExpectedRetention(curve, tick, p1, p2));

            // Mean over 4000 independent users: within 4 standard errors (+ float rounding).
            Assert.InRange(mean, expected - (4 * sd / Math.Sqrt(users)) - 1e-4, expected + (4 * sd / Math.Sqrt(users)) + 1e-4);
        }
    }

    [Fact]
    public void Spontaneous_recovery_happens_at_its_rate_and_restores_its_fraction()
    {
        const int users = 20_000, tick = 10;
        const float rate = 0.3f, fraction = 0.4f;
        var scenario = Scenario("\"curve\": \"exponential\", \"halfLife\": 6", users, $", \"recoveryRate\": {rate}, \"recoveryFraction\": {fraction}");
        var engine = new ReferenceEngine();
        using var population = new Population(engine, scenario, scenario.Seed, new ParallelOptions());
        using var world = new WorldState(engine, users, 2, 1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        ForgetStage.SpontaneousRecovery(scenario.Forgetting, population, world, tick, 1f, new ShardLayout(users, 8), parallel);

        var recovered = 0;
        for (var u = 0; u < users; u++)
        {
            for (var g = 0; g < 2; g++)
            {
                var e = (u * 2) + g;
                if (world.LastEngaged.Host[e] != tick)
                {
                    Assert.Equal(1f, world.Peak.Host[e]);
                    continue;
                }

                recovered++;
                var before = Baseline + ((1 - Baseline) * Retention(ForgettingCurve.Exponential, tick, population.CurveP1.Host[u], 0));
                Assert.Equal(before + (fraction * (1 - before)), world.Peak.Host[e], 1e-5);
            }
        }

        // One topic per recovering user; binomial(20000, 0.3): sd 65, allow 4 sd.
        var sd = Math.Sqrt(users * rate * (1 - rate));
        Assert.InRange(recovered, (users * rate) - (4 * sd), (users * rate) + (4 * sd));
    }
}
