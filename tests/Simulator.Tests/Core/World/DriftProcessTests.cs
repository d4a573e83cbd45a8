using Simulator.Core.Compute;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.World;

namespace Simulator.Tests.Core.World;

/// <summary>
/// Each drift process against its own formula (docs/scenarios.md, drift), with literal seeds and stated
/// tolerances, driving <see cref="DriftStage"/> on a population directly (no strategies needed).
/// </summary>
public sealed class DriftProcessTests
{
    private static Scenario Scenario(string drift, int users, int topics, string population = "") => ScenarioParser.Parse(
        $$"""
        {
          "seed": 11, "ticks": 1000, "shards": 8, "slateSize": 1,
          "population": { "users": {{users}}, "topics": {{topics}}{{population}} },
          "catalog": { "items": 4 }, "drift": {{drift}}, "strategies": ["random"]
        }
        """,
        "drift-test");

    private static Population Advance(Scenario scenario, int ticks, Action<Population, int>? afterTick = null)
    {
        var population = new Population(new ReferenceEngine(), scenario, scenario.Seed, new ParallelOptions());
        for (var t = 1; t <= ticks; t++)
        {
            DriftProcesses.Apply(population, scenario, t, 0, population.Users);
            afterTick?.Invoke(population, t);
        }

        return population;
    }

    [Fact]
    public void Ornstein_uhlenbeck_reaches_its_stationary_variance()
    {
        // Logits start at mu = 0 (logitScale 0); after 300 ticks (1-kappa)^600 ~ 0 of the start remains.
        const float kappa = 0.1f, sigma = 0.3f;
        var scenario = Scenario($$"""{ "kind": "ornstein-uhlenbeck", "kappa": {{kappa}}, "sigma": {{sigma}} }""", 2000, 4, """, "logitScale": 0""");
        using var population = Advance(scenario, 300);
        var z = population.Logits;
        var mean = z.Average(x => (double)x);
        var variance = z.Sum(x => (x - mean) * (x - mean)) / (z.Length - 1);

        // Var = sigma^2 / (1 - (1 - kappa)^2) for z += kappa (mu - z) + sigma eps.
        var expected = sigma * sigma / (1.0 - ((1.0 - kappa) * (1.0 - kappa)));

        // 8000 independent samples: the sample variance has relative sd sqrt(2/n) = 1.6%; allow 5% (3 sd).
        Assert.InRange(variance, expected * 0.95, expected * 1.05);
        Assert.InRange(mean, -0.05, 0.05);
    }

    [Fact]
    public void Poisson_switch_counts_match_the_rate_and_scale_with_the_user_drift_rate()
    {
        const double rate = 0.05;
        const int users = 2000, ticks = 200;
        var scenario = Scenario(
            $$"""{ "kind": "abrupt", "rate": {{rate}} }""",
            users,
            2,
            """, "segments": [{ "name": "steady", "driftRate": 1 }, { "name": "restless", "driftRate": 2 }]""");
        var counts = new int[users];
        using var population = Advance(scenario, ticks, (p, _) =>
        {
            for (var u = 0; u < users; u++)
            {
                counts[u] += p.Switched[u];
            }
        });

        foreach (var (segment, multiplier) in new[] { ("steady", 1.0), ("restless", 2.0) })
        {
            var members = Enumerable.Range(0, users).Where(u => population.SegmentOf(u) == segment).ToArray();
            var p = 1.0 - Math.Exp(-rate * multiplier);
            var trials = (double)members.Length * ticks;
            var expected = trials * p;
            var sd = Math.Sqrt(trials * p * (1 - p));
            var observed = members.Sum(u => counts[u]);

            // Binomial total over users x ticks: within 4 sd.
            Assert.InRange(observed, expected - (4 * sd), expected + (4 * sd));

            // Per-user counts are binomial(ticks, p): their variance is ticks p (1-p) within 15% (n ~ 1000 users).
            var perUserMean = members.Average(u => (double)counts[u]);
            var perUserVariance = members.Sum(u => (counts[u] - perUserMean) * (counts[u] - perUserMean)) / (members.Length - 1);
            Assert.InRange(perUserVariance, ticks * p * (1 - p) * 0.85, ticks * p * (1 - p) * 1.15);
        }
    }

    [Fact]
    public void Gradual_drift_moves_the_share_of_users_that_the_sigmoid_gives()
    {
        const int users = 5000;
        const float midpoint = 40f, width = 20f;
        var scenario = Scenario($$"""{ "kind": "gradual", "midpoint": {{midpoint}}, "width": {{width}} }""", users, 3);
        var moves = new int[users];
        var moved = new List<double>();
        using var population = Advance(scenario, 80, (p, _) =>
        {
            for (var u = 0; u < users; u++)
            {
                moves[u] += p.Switched[u];
            }

            moved.Add(moves.Count(m => m > 0) / (double)users);
        });

        for (var t = 1; t <= 80; t++)
        {
            // Binomial share of 5000 users: sd <= 0.0071; allow 0.03 (4 sd).
            Assert.InRange(moved[t - 1], DriftProcesses.GradualShare(t, midpoint, width) - 0.03, DriftProcesses.GradualShare(t, midpoint, width) + 0.03);
        }

        Assert.All(moves, m => Assert.InRange(m, 0, 1));

        // A moved user holds the second concept: logitScale x a keyed normal per topic.
        var user = Array.FindIndex(moves, m => m == 1);
        for (var g = 0; g < 3; g++)
        {
            Assert.Equal(1.5f * KeyedRandom.Normal(scenario.Seed, RandomStreams.DriftConcept, (uint)user, 0, (uint)g), population.Logits[(user * 3) + g]);
        }
    }

    [Fact]
    public void Seasonal_drift_follows_the_sine_and_repeats_with_its_period()
    {
        const float amplitude = 0.8f, period = 12f;
        var scenario = Scenario($$"""{ "kind": "seasonal", "amplitude": {{amplitude}}, "period": {{period}} }""", 50, 4);
        var history = new List<float[]>();
        using var population = Advance(scenario, 48, (p, _) => history.Add((float[])p.Logits.Clone()));
        var start = population.BaseLogits;

        // Tolerance: float rounding of 48 incremental steps of size <= A.
        const float tolerance = 1e-4f;
        for (var t = 1; t <= 48; t++)
        {
            var offset = DriftProcesses.SeasonalOffset(t, amplitude, period, 0f);
            for (var u = 0; u < 50; u++)
            {
                for (var g = 0; g < 4; g++)
                {
                    var v = KeyedRandom.Normal(scenario.Seed, RandomStreams.SeasonalDirection, (uint)u, 0, (uint)g);
                    Assert.Equal(start[(u * 4) + g] + (offset * v), history[t - 1][(u * 4) + g], tolerance);
                }
            }

            if (t > period)
            {
                var back = history[t - 1 - (int)period];
                Assert.All(Enumerable.Range(0, back.Length), i => Assert.Equal(back[i], history[t - 1][i], tolerance));
            }
        }

        // Half a period away the offset has the opposite sign: the oscillation is real, not a no-op.
        Assert.True(Math.Abs(history[2][0] - start[0]) > 0.1f || Math.Abs(history[2][1] - start[1]) > 0.1f);
    }

    public static TheoryData<string> EveryDrift() =>
    [
        """{ "kind": "stationary" }""",
        """{ "kind": "abrupt", "rate": 0.1, "events": [3] }""",
        """{ "kind": "ornstein-uhlenbeck", "kappa": 0.1, "sigma": 0.5 }""",
        """{ "kind": "gradual", "midpoint": 3, "width": 2 }""",
        """{ "kind": "seasonal", "amplitude": 1, "period": 4 }""",
        """[{ "kind": "seasonal", "amplitude": 1, "period": 4 }, { "kind": "abrupt", "rate": 0.1 }, { "kind": "ornstein-uhlenbeck" }]""",
    ];

    /// <summary>
    /// Population generation and every drift process give identical logits whatever the thread count
    /// and shard schedule: 40,000 users, above the size at which shards run in parallel.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryDrift))]
    public void Population_and_drift_are_identical_for_1_2_and_4_threads(string drift)
    {
        var scenario = Scenario(drift, 40_000, 4, """, "driftHeterogeneity": 0.5, "segments": [{ "name": "a" }, { "name": "b", "driftRate": 3, "concentration": 2 }]""");
        float[]? first = null;
        byte[]? firstSwitched = null;
        foreach (var threads in new[] { 1, 2, 4 })
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
            var shards = new ShardLayout(scenario.Population.Users, scenario.Shards);
            using var population = new Population(new ReferenceEngine(), scenario, scenario.Seed, parallel);
            var switched = new byte[population.Users];
            for (var t = 1; t <= 5; t++)
            {
                shards.ForEach(parallel, (start, end) => DriftProcesses.Apply(population, scenario, t, start, end));
                for (var u = 0; u < population.Users; u++)
                {
                    switched[u] |= population.Switched[u];
                }
            }

            first ??= (float[])population.Logits.Clone();
            firstSwitched ??= switched;
            Assert.Equal(first, population.Logits);
            Assert.Equal(firstSwitched, switched);
        }
    }
}
