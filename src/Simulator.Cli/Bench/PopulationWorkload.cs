using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Cli.Bench;

/// <summary>
/// The bench's population stage: generating N users over d topics with the default population
/// settings plus three segments, so segment picking and per-user activity and drift rates are
/// part of what is timed.
/// </summary>
public static class PopulationWorkload
{
    public static Scenario Scenario(int users, int dim) => ScenarioParser.Parse(
        $$"""
        {
          "population": {
            "users": {{users}}, "topics": {{dim}}, "activity": 0.8, "activitySpread": 0.3, "driftHeterogeneity": 0.3,
            "segments": [{ "name": "binge-watcher", "weight": 1 }, { "name": "explorer", "weight": 1 }, { "name": "loyal", "weight": 2 }]
          },
          "catalog": { "items": 10 }, "slateSize": 1, "strategies": ["random"]
        }
        """,
        "bench-population");

    /// <summary>Columns written per population: logits, initial logits, preferences [N x d]; curve parameters, rates, segment, switch flags, arrivals [N].</summary>
    public static double BytesWritten(long users, long dim) => (users * dim * 12.0) + (users * (16.0 + Population.TraitBytesPerUser));

    /// <summary>Builds one population on the engine's worker threads (its parallelism caps the generator's loop).</summary>
    public static void Build(IComputeEngine engine, Scenario scenario)
    {
        using var population = new Population(engine, scenario, 7, new ParallelOptions { MaxDegreeOfParallelism = engine.Info.Parallelism });
    }
}
