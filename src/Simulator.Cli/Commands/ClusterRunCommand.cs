using Simulator.Cli.Infrastructure;
using Simulator.Cluster;
using Simulator.Cluster.Hosting;
using Simulator.Core.Scenarios;
using Simulator.Reporting;
using Simulator.Storage.RunFolders;

namespace Simulator.Cli.Commands;

/// <summary>
/// `simulator run --cluster`: the same run as a local one, with the seeds simulated on the
/// cluster's silos; writes the same atomic run folder. Every seed that finishes is saved to a
/// seed checkpoint (<see cref="SeedCheckpoint"/>) as it does. A lost silo or gateway exits 1
/// with a message that names it and the checkpoint; `--resume` of that file on the remaining
/// silos runs only the unfinished seeds and gives the uninterrupted run's bytes.
/// </summary>
public static class ClusterRunCommand
{
    public static int Execute(RunSettings settings, Scenario scenario, SeedCheckpoint? resume, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var gateway = EndpointOption.Parse("cluster", settings.Cluster!);
        if (settings.ShardGrains)
        {
            RefuseStrategiesThatCannotRunOnShards(scenario);
        }

        if (scenario.Sweep.Count > 0)
        {
            return ExecuteSweep(gateway, settings, scenario, stdout, stderr, cancel);
        }

        using var folder = RunFolder.Create(settings.Out, settings.ResultsRoot, scenario.Name, DateTimeOffset.UtcNow);
        var checkpoint = resume ?? SeedCheckpoint.Create(CheckpointPath(settings, scenario, folder), ScenarioWriter.ToJson(scenario));
        Core.Results.RunResult run;
        try
        {
            run = RunAsync(gateway, settings, scenario, checkpoint, stderr, cancel).GetAwaiter().GetResult();
        }
        catch (ClusterRunException e)
        {
            var ticks = settings.CheckpointEvery is { } every ? $" (unfinished seeds continue from their last tick checkpoint, saved every {every} ticks)" : string.Empty;
            var again = (settings.CheckpointEvery is { } n ? $" --checkpoint-every {n}" : string.Empty) + (settings.ShardGrains ? " --shard-grains" : string.Empty);
            stderr.WriteLine($"error: {e.Message}; no run folder was written; {checkpoint.Seeds.Count} of {scenario.SeedCount} seeds had finished and are saved in {checkpoint.FilePath}{ticks}; " +
                             $"finish the run on the remaining silos with: simulator run --cluster {settings.Cluster} --expect-silos N --resume {checkpoint.FilePath}{again}");
            return ExitCodes.RuntimeFailure;
        }

        RunCommand.Write(run, folder);
        folder.Commit();
        checkpoint.Delete();
        stdout.WriteLine(ConsoleTable.Render(run));
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }

    /// <summary>
    /// A sweep on the cluster through one connection: every seed of every cell in one queue that
    /// all silos draw from (with --shard-grains: cells one after another, each seed split over the
    /// silos). A lost silo ends the sweep (exit 1, no run folder); sweeps keep no checkpoint (as
    /// locally), so rerun it, or run the remaining cells with --set.
    /// </summary>
    private static int ExecuteSweep(System.Net.EndPoint gateway, RunSettings settings, Scenario scenario, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (settings.Resume is not null)
        {
            throw new UsageException("--resume applies to single runs, not sweeps; run a long cell on its own with --set to resume it");
        }

        var log = settings.Quiet ? TextWriter.Null : stderr;
        var connection = ClusterConnection.ConnectAsync(gateway, settings.ClusterId, TimeSpan.FromSeconds(30), cancel).GetAwaiter().GetResult();
        try
        {
            if (settings.ShardGrains)
            {
                return SweepRun.Execute(
                    settings,
                    scenario,
                    cell => ClusterRunDriver.RunAsync(connection.Client, cell, settings.ExpectSilos, log, cancel, shardGrains: true).GetAwaiter().GetResult().Result,
                    stdout,
                    stderr);
            }

            return SweepRun.Execute(
                settings,
                scenario,
                cells =>
                {
                    stderr.WriteLine($"sweep: {cells.Count} cells, {cells.Sum(c => c.Scenario.SeedCount)} seeds in one queue over the silos");
                    return ClusterRunDriver.RunSweepAsync(connection.Client, [.. cells.Select(c => c.Scenario)], settings.ExpectSilos, log, cancel).GetAwaiter().GetResult();
                },
                stdout);
        }
        catch (ClusterRunException e)
        {
            stderr.WriteLine($"error: {e.Message}; no run folder was written");
            return ExitCodes.RuntimeFailure;
        }
        finally
        {
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Names the scenario's strategies whose learning reads other shards' users in order (usage error, before anything runs).</summary>
    private static void RefuseStrategiesThatCannotRunOnShards(Scenario scenario)
    {
        var serial = Core.Strategies.StrategyCatalog.NotRunningOnShards(scenario);
        if (serial.Count > 0)
        {
            throw new UsageException(
                $"option --shard-grains: {scenario.Name}: strategies {string.Join(", ", serial)} cannot run split over shard grains (each update reads the users before it, across shards); run without --shard-grains, or remove them with --set strategies=[...]");
        }
    }

    /// <summary>Opens a seed checkpoint for --resume; a bad file is a usage error naming it.</summary>
    public static SeedCheckpoint OpenCheckpoint(string path)
    {
        try
        {
            return SeedCheckpoint.Open(path);
        }
        catch (SeedCheckpointException e)
        {
            throw new UsageException($"--resume {e.Message}" + (path.EndsWith(SeedCheckpoint.Extension, StringComparison.Ordinal) ? string.Empty : " (a local checkpoint is resumed without --cluster)"));
        }
    }

    /// <summary>The scenario to resume: the given file (with overrides), or the stored one; either must hash to the checkpoint's.</summary>
    public static Scenario ResumedScenario(RunSettings settings, SeedCheckpoint resume) =>
        RunCommand.ResumedScenario(settings, resume.FilePath, resume.ScenarioJson, json => SeedCheckpoint.Hash(json) == resume.ScenarioSha256);

    /// <summary>Seed checkpoints go where local checkpoints go: --checkpoint-dir, else &lt;results&gt;/.checkpoints.</summary>
    private static string CheckpointPath(RunSettings settings, Scenario scenario, RunFolder folder)
    {
        var directory = settings.CheckpointDir ?? Path.Combine(settings.ResultsRoot, ".checkpoints");
        return Path.Combine(directory, $"{scenario.Name}-{Path.GetFileName(folder.FinalPath)}{SeedCheckpoint.Extension}");
    }

    private static async Task<Core.Results.RunResult> RunAsync(System.Net.EndPoint gateway, RunSettings settings, Scenario scenario, SeedCheckpoint checkpoint, TextWriter stderr, CancellationToken cancel)
    {
        await using var connection = await ClusterConnection.ConnectAsync(gateway, settings.ClusterId, TimeSpan.FromSeconds(30), cancel).ConfigureAwait(false);
        var log = settings.Quiet ? TextWriter.Null : stderr;
        var run = await ClusterRunDriver.RunAsync(connection.Client, scenario, settings.ExpectSilos, log, cancel, checkpoint, settings.CheckpointEvery ?? 0, settings.ShardGrains).ConfigureAwait(false);
        return run.Result;
    }
}
