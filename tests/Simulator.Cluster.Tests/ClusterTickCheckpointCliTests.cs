using Simulator.Tests.Support;

namespace Simulator.Cluster.Tests;

/// <summary>
/// `run --cluster --checkpoint-every N` through the CLI on an in-process cluster whose silos use the
/// CLI's checkpoint files: the run folder has the local run's bytes, and the seeds file and every
/// tick checkpoint are gone once it is written. (Resuming from tick checkpoints after a lost silo is
/// covered in <see cref="SiloLossTests"/>.)
/// </summary>
public sealed class ClusterTickCheckpointCliTests : IDisposable
{
    private const string Json = """
        {
          "name": "tick-checkpoints",
          "seeds": 2,
          "ticks": 12,
          "slateSize": 3,
          "population": { "users": 80, "topics": 4 },
          "catalog": { "items": 30 },
          "strategies": ["random", "ema"]
        }
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-tick-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Err) Cli(params string[] args)
    {
        var (code, _, err) = CliHarness.Run(args);
        return (code, err);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_cluster_run_with_tick_checkpoints_writes_the_local_bytes_and_cleans_up()
    {
        var scenario = Path.Combine(_temp, "scenario.json");
        File.WriteAllText(scenario, Json);
        var local = Path.Combine(_temp, "local");
        Assert.Equal(0, Cli("run", scenario, "--out", local, "--quiet", "--device", "cpu").Code);

        await using var cluster = await Simulator.Cluster.Hosting.InProcessCluster.StartAsync(
            2,
            new Simulator.Cluster.Hosting.SeedEngineSource(() => new Simulator.Core.Compute.CpuEngine(1)),
            CancellationToken.None);
        var remote = Path.Combine(_temp, "remote");
        var checkpoints = Path.Combine(_temp, "checkpoints");
        var (code, err) = Cli(
            "run", scenario, "--out", remote, "--quiet", "--cluster", cluster.Gateway.ToString(), "--cluster-id", cluster.ClusterId,
            "--expect-silos", "2", "--checkpoint-every", "5", "--checkpoint-dir", checkpoints);
        Assert.True(code == 0, err);

        Assert.Equal(File.ReadAllBytes(Path.Combine(local, "summary.json")), File.ReadAllBytes(Path.Combine(remote, "summary.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(local, "metrics.csv")), File.ReadAllBytes(Path.Combine(remote, "metrics.csv")));
        Assert.Empty(Directory.Exists(checkpoints) ? Directory.EnumerateFiles(checkpoints) : []);
    }
}
