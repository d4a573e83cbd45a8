using System.Globalization;
using System.Text;
using Simulator.Core.Compute;
using Simulator.Core.Fitting;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Tests.Core.Fitting;

/// <summary>
/// A simulator export with known truth, generated at test time from Core's world classes
/// (population, catalog, the Decay / Choice / Reinforce operations of the tick) with random
/// slates, so exposure does not depend on interest (or, when targeted, slates drawn from the topic of
/// the user's last click, as a recommender that follows recent clicks shows them). Writes the export contract's files:
/// interactions.csv (seed,strategy,tick,user,position,item,true_prob,clicked,dwell), items.csv
/// (item,topic,quality) and users.csv (user,curve,parameter1,parameter2).
/// </summary>
internal sealed class SimulatedExport
{
    public required InteractionLog Log { get; init; }

    /// <summary>True parameter 1 per user (half-life, midpoint or tau).</summary>
    public required float[] TrueParameter1 { get; init; }

    public required Scenario Scenario { get; init; }

    public required string InteractionsCsv { get; init; }

    public required string ItemsCsv { get; init; }

    public required string UsersCsv { get; init; }

    public static string ScenarioJson(string forgetting, int users = 300, int ticks = 60, ulong seed = 11) => $$"""
        {
          "name": "fit-fixture", "seed": {{seed}}, "seeds": 1, "ticks": {{ticks}}, "shards": 4, "slateSize": 5,
          "population": { "users": {{users}}, "topics": 6, "logitScale": 1.0, "activity": 0.8 },
          "forgetting": {{forgetting}},
          "catalog": { "items": 60, "focus": 0.8, "qualitySd": 0.3 },
          "choice": { "interestWeight": 10, "qualityWeight": 0.5, "temperature": 1, "noClickUtility": 2, "positionDecay": 0.9 },
          "strategies": ["random"]
        }
        """;

    public static SimulatedExport Generate(Scenario scenario, bool targeted = false)
    {
        var seed = scenario.Seed;
        using var engine = new ReferenceEngine();
        using var population = new Population(engine, scenario, seed, new ParallelOptions());
        using var catalog = new Catalog(engine, scenario.Catalog, scenario.Dim, seed);
        using var world = new WorldState(engine, scenario.Population.Users, scenario.Dim, scenario.SlateSize);
        var users = scenario.Population.Users;
        var k = scenario.SlateSize;
        var items = catalog.Count;
        var f = scenario.Forgetting;
        var log = new InteractionLog { HasImpressions = true, Origin = 0, HasQuality = true };
        var lastClickedTopic = new int[users];
        Array.Fill(lastClickedTopic, -1);
        var itemsOfTopic = Enumerable.Range(0, scenario.Dim).Select(g => Enumerable.Range(0, items).Where(i => catalog.Topic.Host[i] == g).ToArray()).ToArray();
        for (var u = 0; u < users; u++)
        {
            log.AddHistory(u);
        }

        var csv = new StringBuilder("seed,strategy,tick,user,position,item,true_prob,clicked,dwell\n");
        for (var t = 0; t < scenario.Ticks; t++)
        {
            var active = population.Active.Host;
            var slates = world.Slates.Host;
            for (var u = 0; u < users; u++)
            {
                active[u] = KeyedRandom.Uniform(seed, RandomStreams.Activity, (uint)u, (uint)t, 0) < scenario.Population.Activity ? (byte)1 : (byte)0;
                for (var j = 0; j < k; j++)
                {
                    int item;
                    var attempt = 0u;
                    var pool = targeted && lastClickedTopic[u] >= 0 && itemsOfTopic[lastClickedTopic[u]].Length >= k ? itemsOfTopic[lastClickedTopic[u]] : null;
                    do
                    {
                        var draw = KeyedRandom.Bits(seed, RandomStreams.StrategyRandom, (uint)u, (uint)t, ((uint)j * 64) + attempt++);
                        item = pool is null ? (int)(draw % (ulong)items) : pool[(int)(draw % (ulong)pool.Length)];
                    }
                    while (slates.AsSpan(u * k, j).Contains(item));
                    slates[(u * k) + j] = item;
                }
            }

            engine.Decay(new DecayOperands(
                users, scenario.Dim, f.Curve, world.Peak, world.LastEngaged, population.CurveP1, population.CurveP2,
                population.Preference, world.Interest, f.Baseline, t, scenario.TickLength));
            engine.Choice(new ChoiceOperands(
                users, items, scenario.Dim, k, world.Interest, world.Slates, catalog.Items, catalog.Quality, population.Active,
                scenario.Choice, seed, t, world.ChosenPosition, world.ExpectedCtr, world.Probabilities, world.Dwell));
            for (var u = 0; u < users; u++)
            {
                if (active[u] == 0)
                {
                    continue;
                }

                var chosen = world.ChosenPosition.Host[u];
                for (var j = 0; j < k; j++)
                {
                    var item = slates[(u * k) + j];
                    var clicked = chosen == j;
                    log.Add(u, catalog.Topic.Host[item], t * scenario.TickLength, j, clicked, catalog.Quality.Host[item]);
                    if (clicked)
                    {
                        lastClickedTopic[u] = catalog.Topic.Host[item];
                    }

                    csv.Append(CultureInfo.InvariantCulture, $"{seed},random,{t},{u},{j},{item},{world.Probabilities.Host[(u * k) + j]:R},{(clicked ? 1 : 0)},{(clicked ? world.Dwell.Host[u] : 0f):R}\n");
                }
            }

            engine.Reinforce(new ReinforceOperands(
                users, scenario.Dim, k, f.Curve, world.Peak, world.LastEngaged, population.CurveP1, population.CurveP2,
                world.Slates, world.ChosenPosition, catalog.Topic, f.Baseline, f.Reinforcement, t, scenario.TickLength));
        }

        var itemsCsv = new StringBuilder("item,topic,quality\n");
        for (var i = 0; i < items; i++)
        {
            itemsCsv.Append(CultureInfo.InvariantCulture, $"{i},{catalog.Topic.Host[i]},{catalog.Quality.Host[i]:R}\n");
        }

        var curveName = ScenarioParser.Curves.First(c => c.Value == f.Curve).Key;
        var usersCsv = new StringBuilder("user,curve,parameter1,parameter2\n");
        for (var u = 0; u < users; u++)
        {
            usersCsv.Append(CultureInfo.InvariantCulture, $"{u},{curveName},{population.CurveP1.Host[u]:R},{population.CurveP2.Host[u]:R}\n");
        }

        return new SimulatedExport
        {
            Log = log,
            TrueParameter1 = population.CurveP1.Host.ToArray(),
            Scenario = scenario,
            InteractionsCsv = csv.ToString(),
            ItemsCsv = itemsCsv.ToString(),
            UsersCsv = usersCsv.ToString(),
        };
    }

    /// <summary>Writes the three export files into a folder.</summary>
    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "interactions.csv"), InteractionsCsv);
        File.WriteAllText(Path.Combine(folder, "items.csv"), ItemsCsv);
        File.WriteAllText(Path.Combine(folder, "users.csv"), UsersCsv);
    }
}
