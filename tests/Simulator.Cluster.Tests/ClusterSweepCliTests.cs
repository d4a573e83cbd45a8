using Simulator.Tests.Support;

namespace Simulator.Cluster.Tests;

/// <summary>
/// `run --cluster` on a sweep scenario through the CLI, on an in-process cluster: the sweep folder
/// has the local sweep's bytes (sweep.json and every cell's summary and metrics). The sweep's other
/// CLI tests, which start no cluster, are in Simulator.Tests (Cli/Commands/SweepCliTests).
/// </summary>
public sealed class ClusterSweepCliTests : IDisposable
{
    private const string Json = """
        {
          "name": "tiny-sweep",
          "seeds": 2,
          "ticks": 5,
          "shards": 2,
          "slateSize": 3,
          "population": { "users": 60, "topics": 4 },
          "catalog": { "items": 20 },
          "strategies": ["random", { "name": "ema", "alpha": 0.3 }],
          "sweep": { "drift.rate": [0, 0.2], "strategies.ema.alpha": [0.1, 0.9] }
        }
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-sweep-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_sweep_on_a_cluster_writes_the_local_sweeps_bytes()
    {
        var scenario = Path.Combine(_temp, "sweep.json");
        File.WriteAllText(scenario, Json);
        var local = Path.Combine(_temp, "local");
        Assert.Equal(0, Cli("run", scenario, "--out", local, "--quiet", "--device", "cpu").Code);

        await using var cluster = await Simulator.Cluster.Hosting.InProcessCluster.StartAsync(
            2, new Simulator.Cluster.Hosting.SeedEngineSource(() => new Simulator.Core.Compute.CpuEngine(1)), CancellationToken.None);
        var remote = Path.Combine(_temp, "remote");
        var (code, _, err) = Cli("run", scenario, "--out", remote, "--quiet", "--cluster", cluster.Gateway.ToString(), "--cluster-id", cluster.ClusterId, "--expect-silos", "2");
        Assert.True(code == 0, err);

        Assert.Equal(File.ReadAllBytes(Path.Combine(local, "sweep.json")), File.ReadAllBytes(Path.Combine(remote, "sweep.json")));
        var cells = Directory.GetDirectories(Path.Combine(local, "cells")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(4, cells.Length);
        Assert.Equal(cells, Directory.GetDirectories(Path.Combine(remote, "cells")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var cell in cells)
        {
            foreach (var file in new[] { "summary.json", "metrics.csv" })
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(local, "cells", cell!, file)), File.ReadAllBytes(Path.Combine(remote, "cells", cell!, file)));
            }
        }
    }
}
