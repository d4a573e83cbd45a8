using Simulator.Cli.Infrastructure;
using Simulator.Cluster;
using Simulator.Cluster.Hosting;
using Simulator.Core.Scenarios;
using Simulator.Reporting;

namespace Simulator.Cli.Commands;

/// <summary>
/// `simulator run --cluster`: the same run as a local one, with the seeds simulated on the
/// cluster's silos; writes the same atomic run folder. A lost silo or gateway exits 1 with a
/// message that names it, and no run folder is left behind.
/// </summary>
public static class ClusterRunCommand
{
    public static int Execute(RunSettings settings, Scenario scenario, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var gateway = EndpointOption.Parse("cluster", settings.Cluster!);
        using var folder = RunFolder.Create(settings.Out, settings.ResultsRoot, scenario.Name, DateTimeOffset.UtcNow);
        Core.Results.RunResult run;
        try
        {
            run = RunAsync(gateway, settings, scenario, stderr, cancel).GetAwaiter().GetResult();
        }
        catch (ClusterRunException e)
        {
            stderr.WriteLine($"error: {e.Message}; no run folder was written");
            return ExitCodes.RuntimeFailure;
        }

        RunCommand.Write(run, folder);
        folder.Commit();
        stdout.WriteLine(ConsoleTable.Render(run));
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }

    private static async Task<Core.Results.RunResult> RunAsync(System.Net.EndPoint gateway, RunSettings settings, Scenario scenario, TextWriter stderr, CancellationToken cancel)
    {
        await using var connection = await ClusterConnection.ConnectAsync(gateway, settings.ClusterId, TimeSpan.FromSeconds(30), cancel).ConfigureAwait(false);
        var log = settings.Quiet ? TextWriter.Null : stderr;
        var run = await ClusterRunDriver.RunAsync(connection.Client, scenario, settings.ExpectSilos, log, cancel).ConfigureAwait(false);
        return run.Result;
    }
}
