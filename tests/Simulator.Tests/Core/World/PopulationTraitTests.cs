using Simulator.Core.Compute;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.World;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.World;

/// <summary>Segments and per-user traits drawn from the population-level distributions of the scenario.</summary>
public sealed class PopulationTraitTests
{
    private const string Json = """
        {
          "seed": 21, "slateSize": 1, "catalog": { "items": 4 }, "strategies": ["random"],
          "forgetting": { "curve": "exponential", "halfLife": 8, "heterogeneity": 0 },
          "population": {
            "users": 12000, "topics": 4, "activity": 0.5, "activitySpread": 0.4, "driftHeterogeneity": 0.3,
            "segments": [
              { "name": "binge-watcher", "weight": 1, "activity": 1.6, "forgettingSpeed": 2, "concentration": 2 },
              { "name": "explorer", "weight": 1, "driftRate": 3 },
              { "name": "loyal", "weight": 2, "activity": 0.5, "driftRate": 0.25 }
            ]
          }
        }
        """;

    [Fact]
    public void Segments_follow_their_weights_and_scale_each_users_parameters()
    {
        var scenario = ScenarioParser.Parse(Json, "traits");
        using var population = new Population(new ReferenceEngine(), scenario, scenario.Seed, new ParallelOptions());
        var users = population.Users;
        var names = Enumerable.Range(0, users).Select(population.SegmentOf).ToArray();

        // Multinomial shares 1/4, 1/4, 1/2 of 12000 users: sd <= 0.0046; allow 0.02.
        Assert.InRange(names.Count(n => n == "binge-watcher") / (double)users, 0.23, 0.27);
        Assert.InRange(names.Count(n => n == "explorer") / (double)users, 0.23, 0.27);
        Assert.InRange(names.Count(n => n == "loyal") / (double)users, 0.48, 0.52);

        for (var u = 0; u < users; u++)
        {
            var segment = scenario.Population.Segments.Single(s => s.Name == names[u]);

            // heterogeneity 0: the half-life is exactly the configured one divided by the segment's speed.
            Assert.Equal(8f / segment.ForgettingSpeed, population.CurveP1.Host[u], 5);

            // Activity: 0.5 x segment x e^(0.4 N), capped at 1; drift rate: segment x e^(0.3 N) (keyed draws).
            var activity = MathF.Min(1f, 0.5f * segment.Activity * MathF.Exp(0.4f * KeyedRandom.Normal(scenario.Seed, RandomStreams.PopulationActivityRate, (uint)u, 0, 0)));
            Assert.Equal(activity, population.ActivityRate[u], 6);
            Assert.Equal(segment.DriftRate * MathF.Exp(0.3f * KeyedRandom.Normal(scenario.Seed, RandomStreams.PopulationDriftRate, (uint)u, 0, 0)), population.DriftRate[u], 5);

            // Concentration scales the initial logits.
            Assert.Equal(1.5f * segment.Concentration * KeyedRandom.Normal(scenario.Seed, RandomStreams.PopulationInterest, (uint)u, 0, 0), population.Logits[u * 4], 5);
        }

        // The segment name is what a readable profile shows.
        Assert.Equal(names[17], UserProfiles.For(scenario.Seed, 17, population.SegmentOf(17)).Segment);
    }

    [Fact]
    public void Without_segments_every_user_is_typical_and_keeps_the_scenario_rates()
    {
        var scenario = TestScenarios.Small();
        using var population = new Population(new ReferenceEngine(), scenario, 7, new ParallelOptions());
        Assert.All(Enumerable.Range(0, population.Users), u => Assert.Equal("typical", population.SegmentOf(u)));
        Assert.All(population.ActivityRate, a => Assert.Equal(0.9f, a));
        Assert.All(population.DriftRate, r => Assert.Equal(1f, r));
    }

    [Fact]
    public void Generating_in_parallel_gives_the_same_population_as_one_thread()
    {
        var scenario = ScenarioParser.Parse(Json.Replace("12000", "50000", StringComparison.Ordinal), "traits");
        using var one = new Population(new ReferenceEngine(), scenario, 9, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        using var many = new Population(new ReferenceEngine(), scenario, 9, new ParallelOptions { MaxDegreeOfParallelism = 4 });
        Assert.Equal(one.Logits, many.Logits);
        Assert.Equal(one.Preference.Host, many.Preference.Host);
        Assert.Equal(one.CurveP1.Host, many.CurveP1.Host);
        Assert.Equal(one.Segment, many.Segment);
        Assert.Equal(one.ActivityRate, many.ActivityRate);
        Assert.Equal(one.DriftRate, many.DriftRate);
    }
}
