using Simulator.Core.Scenarios;

namespace Simulator.Cluster.Tests;

/// <summary>Small scenarios for cluster tests: a few hundred users and ticks, so three in-process silos stay fast on 2 cores.</summary>
internal static class ClusterScenarios
{
    public static Scenario Small(int seeds = 4, int ticks = 8, int users = 200) => ScenarioParser.Parse(
        $$"""
        {
          "name": "cluster-small",
          "seed": 11,
          "seeds": {{seeds}},
          "ticks": {{ticks}},
          "shards": 4,
          "slateSize": 5,
          "population": { "users": {{users}}, "topics": 8, "activity": 0.9 },
          "catalog": { "items": 60 },
          "drift": { "kind": "abrupt", "rate": 0.05, "events": [2] },
          "strategies": ["random", "popularity", "ema", "oracle"]
        }
        """,
        "cluster-small");
}
