using System.Diagnostics;
using Orleans.TestingHost;

namespace Simulator.Cluster.Tests;

/// <summary>Killing a silo mid-run ends the driver quickly with a message that names the lost silo (TCP transport).</summary>
public sealed class SiloLossTests
{
    [Fact]
    public async Task KillingASiloMidRunEndsTheDriverWithin30SecondsNamingTheSilo()
    {
        await using var cluster = await ThreeSiloCluster.StartAsync(ConnectionTransportType.TcpSocket);

        // Enough work per seed (a few seconds) that the kill lands while seeds are running.
        var scenario = ClusterScenarios.Small(seeds: 6, ticks: 400, users: 400);
        var victim = cluster.SecondarySilos[^1];
        var run = ClusterRunDriver.RunAsync(cluster.Client, scenario, 3, TextWriter.Null, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(run.IsCompleted, "the run finished before the silo was killed; make the scenario larger");

        var clock = Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);
        var error = await Assert.ThrowsAsync<ClusterRunException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the driver took {clock.Elapsed.TotalSeconds:F1} s to report the lost silo");
        Assert.Contains(victim.SiloAddress.Endpoint.ToString(), error.Message, StringComparison.Ordinal);

        // Where the lost silo had got to (a tick, the start of its seed) is said when the driver knew
        // it; on a loaded machine the kill can land before the silo's first report.
        Assert.Matches(@"\)( \((running seed \d+, tick \d+ of 400 done|starting seed \d+)\))? (left the cluster during the run|failed while running seed)", error.Message);
    }
}
