using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Storage.RunFolders;

namespace Simulator.Cluster.Tests;

/// <summary>
/// A sweep's seeds of every cell go into one queue: three one-seed cells on three silos run on
/// all three at once (cell after cell would use one silo), and each cell gives its local bytes.
/// </summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class ClusterSweepTests(InMemoryClusterFixture fixture)
{
    [Fact]
    public async Task One_seed_cells_of_a_sweep_spread_over_every_silo_and_each_gives_its_local_bytes()
    {
        var sweep = ScenarioParser.Parse(
            """
            {
              "name": "cluster-sweep",
              "seed": 3,
              "seeds": 1,
              "ticks": 5,
              "shards": 2,
              "slateSize": 3,
              "population": { "users": 80, "topics": 4 },
              "catalog": { "items": 20 },
              "strategies": ["random", { "name": "ema", "alpha": 0.3 }],
              "sweep": { "strategies.ema.alpha": [0.1, 0.5, 0.9] }
            }
            """,
            "cluster-sweep");
        var cells = ScenarioSweep.Cells(sweep).Select(c => c.Scenario).ToArray();

        var log = new StringWriter();
        var results = await ClusterRunDriver.RunSweepAsync(fixture.Cluster.Client, cells, 3, log, CancellationToken.None);

        Assert.Equal(3, results.Count);
        using var engine = new CpuEngine(2);
        for (var c = 0; c < cells.Length; c++)
        {
            var local = SimulationRunner.Run(cells[c], engine, new RunOptions());
            Assert.Equal(SummaryJson.Write(local), SummaryJson.Write(results[c]));
        }

        // "seeds per silo over 3 cells: <silo> 1, <silo> 1, <silo> 1"
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress.Endpoint.ToString()).ToArray();
        var line = log.ToString().Split('\n').Single(l => l.Contains("seeds per silo over 3 cells", StringComparison.Ordinal));
        Assert.All(silos, endpoint => Assert.Contains(endpoint, line, StringComparison.Ordinal));
    }
}
