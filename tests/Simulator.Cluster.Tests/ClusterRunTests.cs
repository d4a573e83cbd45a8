using Simulator.Core.Compute;
using Simulator.Core.Simulation;
using Simulator.Storage.RunFolders;

namespace Simulator.Cluster.Tests;

/// <summary>A run on three silos gives the local run's bytes, and its seeds are spread over every silo.</summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class ClusterRunTests(InMemoryClusterFixture fixture)
{
    [Fact]
    public async Task Cluster_run_writes_the_local_runs_summary_bytes_and_spreads_seeds_over_all_silos()
    {
        var scenario = ClusterScenarios.Small(seeds: 4);
        using var engine = new CpuEngine(2);
        var local = SimulationRunner.Run(scenario, engine, new RunOptions());

        var cluster = await ClusterRunDriver.RunAsync(fixture.Cluster.Client, scenario, 3, TextWriter.Null, CancellationToken.None);

        SameRunFiles.Assert(local, cluster.Result);
        Assert.Equal([0, 1, 2, 3], cluster.Seeds.Select(s => s.SeedIndex));
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress.Endpoint.ToString()).ToHashSet();
        var used = cluster.Seeds.Select(s => silos.Single(e => s.Silo.Contains(e, StringComparison.Ordinal))).Distinct().Count();
        Assert.Equal(3, used);
        Assert.StartsWith("orleans/", cluster.Result.Environment.Engine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_run_on_the_same_cluster_is_identical_to_the_first()
    {
        var scenario = ClusterScenarios.Small(seeds: 2, ticks: 4);
        var first = await ClusterRunDriver.RunAsync(fixture.Cluster.Client, scenario, 3, TextWriter.Null, CancellationToken.None);
        var second = await ClusterRunDriver.RunAsync(fixture.Cluster.Client, scenario, 3, TextWriter.Null, CancellationToken.None);
        Assert.Equal(SummaryJson.Write(first.Result), SummaryJson.Write(second.Result));
    }

    [Fact]
    public async Task A_damaged_tick_checkpoint_fails_its_seed_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("damaged-tick-").FullName;
        try
        {
            var scenario = ClusterScenarios.Small(seeds: 2);
            var checkpoint = SeedCheckpoint.Create(Path.Combine(folder, "run" + SeedCheckpoint.Extension), Core.Scenarios.ScenarioWriter.ToJson(scenario));
            var damaged = checkpoint.TickCheckpoints(0).PathOf(1);
            File.WriteAllText(damaged, "not a checkpoint, but long enough to be read as one's header");

            var error = await Assert.ThrowsAsync<ClusterRunException>(
                () => ClusterRunDriver.RunAsync(fixture.Cluster.Client, scenario, 3, TextWriter.Null, CancellationToken.None, checkpoint));

            Assert.Contains("seed 1", error.Message, StringComparison.Ordinal);
            Assert.True(error.Message.Contains(damaged + ": not a simulator checkpoint", StringComparison.Ordinal), error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
