using Simulator.Cli.Infrastructure;
using Simulator.Core.Checkpoints;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Reporting;
using Simulator.Storage.Checkpoints;
using Simulator.Storage.Export;
using Simulator.Storage.RunFolders;

namespace Simulator.Cli.Commands;

/// <summary>`simulator run`: validate, check memory, simulate every strategy and seed, write the run folder.</summary>
public static class RunCommand
{
    public const string Help = """
        simulator run <scenario.json> [options]

        Runs every strategy of the scenario over its seeds and writes a run folder with
        scenario.json, summary.json, metrics.csv, environment.json, report.html, report.md, plots/.
        With --export it also writes a synthetic dataset with known truth: interactions.csv
        (seed,strategy,tick,user,position,item,true_prob,clicked,dwell: one row per shown item),
        users.csv (profile and true forgetting parameters) and items.csv (topic, quality,
        embedding e0..e<d-1>).
        A scenario with a "sweep" runs every cell of the grid into cells/<NN_settings>/ (each a
        complete run folder) and writes sweep.json plus a crossover report at the top.
        The last line on stdout is the run folder's path.

        Options:
          --out DIR          write exactly into DIR (must not exist or be empty)
          --results DIR      parent of run folders when --out is not given (default: results)
          --seeds N          override the number of seeds
          --users N          override population.users
          --ticks N          override ticks
          --set PATH=VALUE   override any scenario field, e.g. --set drift.rate=0.05 (repeatable)
          --device D         auto | cpu | cuda | opencl | ilgpu-cpu | reference (default: auto)
          --threads N        CPU worker threads (default: all cores)
          --quiet            no progress on stderr
          --cluster H:G      run the seeds (of every sweep cell) on an Orleans cluster through
                             gateway H:G (see `simulator silo`)
          --expect-silos N   with --cluster: wait for N silos before starting (default 1)
          --cluster-id ID    with --cluster: the silos' cluster id (default simulator)
          --shard-grains     with --cluster: split each seed's users over one shard grain per
                             logical shard ("shards" in the scenario), spread over all silos, so
                             a population larger than one machine runs; same bytes as a local
                             run. Seeds run one after another; with --checkpoint-every each
                             shard saves its own users' state. Not for mf, mf-forgetting,
                             itemknn-decay or the mlp strategies
          --export           also write interactions.csv, users.csv, items.csv (docs/run-folder.md:
                             "Exporting a synthetic dataset"); one row per shown item, so
                             size grows with users x ticks x slate size x strategies x seeds
          --memory-limit MiB refuse (exit 2) when the estimated host memory exceeds MiB; the
                             default limit is what the machine or container allows. GPU runs
                             are also checked against the device's free memory
          --checkpoint-every N   save the full simulation state every N ticks (atomically; the
                             file is removed once the run folder is complete). A --cluster run
                             saves every finished seed by itself (.seeds.json); with this option
                             each running seed also saves its state every N ticks beside it
                             (.seed<i>.ckpt), so a seed lost with its silo continues from there
          --checkpoint-dir DIR   where checkpoints go (default: <results>/.checkpoints); with
                             --cluster --checkpoint-every, a folder the driver and every silo
                             reach under the same path (one host, or shared storage)
          --resume FILE      continue an interrupted run from a checkpoint; the scenario file may be
                             left out (the checkpoint stores it); results are byte-identical to an
                             uninterrupted run, whatever --threads. A cluster run's .seeds.json is
                             resumed with --cluster: only its unfinished seeds run, on the silos left

        Examples:
          simulator run scenarios/quickstart.json
          simulator run scenarios/quickstart.json --seeds 5 --out /tmp/qs
          simulator run scenarios/quickstart.json --export --out /tmp/qs-data
          simulator run scenarios/quickstart.json --set population.users=500 --device ilgpu-cpu
          simulator run scenarios/quickstart.json --cluster localhost:30000 --expect-silos 3
          simulator run scenarios/quickstart.json --cluster localhost:30000 --expect-silos 3 --shard-grains
          simulator run scenarios/quickstart.json --checkpoint-every 10
          simulator run --resume results/.checkpoints/quickstart-20260101-120000.ckpt
          simulator run --cluster localhost:30000 --expect-silos 2 --resume results/.checkpoints/quickstart-20260101-120000.seeds.json
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var settings = RunSettings.Read(args);
        var clusterResume = settings.Cluster is not null && settings.Resume is not null ? ClusterRunCommand.OpenCheckpoint(settings.Resume) : null;
        using var resume = settings.Resume is null || clusterResume is not null ? null : OpenCheckpoint(settings.Resume);
        var scenario = clusterResume is not null ? ClusterRunCommand.ResumedScenario(settings, clusterResume)
            : resume is null ? LoadScenario(settings) : ResumedScenario(settings, resume);
        var cells = scenario.Sweep.Count > 0 ? ScenarioSweep.Cells(scenario).Select(c => c.Scenario).ToArray() : [scenario];
        var hostAvailable = MemoryGuard.HostAvailable(settings.MemoryLimitMib);
        foreach (var cell in cells)
        {
            MemoryGuard.CheckHost(cell, hostAvailable, settings.Export);
        }

        if (scenario.Sweep.Count > 0 && settings.Export)
        {
            throw new UsageException($"scenario {scenario.Name} declares a sweep; --export runs single scenarios only (pick a cell with --set)");
        }

        if (settings.Cluster is not null && scenario.Strategies.FirstOrDefault(s => s.External is not null) is { } external)
        {
            throw new UsageException($"strategy {external.Name} is a plugin or policy server; --cluster runs built-in strategies only (run it without --cluster)");
        }

        if (settings.Cluster is not null)
        {
            return ClusterRunCommand.Execute(settings, scenario, clusterResume, stdout, stderr, cancel);
        }

        Remote.RemoteStrategies.CheckReachable(scenario);
        using var engine = EngineSelector.Create(settings.Device, settings.Threads, stderr);
        foreach (var cell in cells)
        {
            MemoryGuard.CheckDevice(cell, engine);
        }

        stderr.WriteLine($"scenario {scenario.Name}: {scenario.Population.Users} users, {scenario.Catalog.Items} items, d={scenario.Dim}, " +
                         $"{scenario.Ticks} ticks, {scenario.SeedCount} seeds, {scenario.Strategies.Count} strategies");
        stderr.WriteLine($"device: {engine.Info.Kind} ({engine.Info.DeviceName})");
        if (scenario.Sweep.Count > 0)
        {
            return SweepRun.Execute(settings, scenario, engine, stdout, stderr, cancel);
        }

        if (resume is not null)
        {
            stderr.WriteLine($"resuming from {resume.FilePath}: seed {resume.Position.SeedIndex + 1}, tick {resume.Position.NextTick}");
        }

        using var folder = RunFolder.Create(settings.Out, settings.ResultsRoot, scenario.Name, DateTimeOffset.UtcNow);

        // Declared after the folder so it is disposed (files closed) before a failed folder is deleted.
        using var export = settings.Export ? DatasetExporter.Create(folder.File, scenario.Dim) : null;
        var checkpoints = settings.CheckpointEvery is null
            ? null
            : new CheckpointWriter(CheckpointPath(settings, scenario, folder, resume), ScenarioWriter.ToJson(scenario));
        RunResult run;
        try
        {
            run = SimulationRunner.Run(scenario, engine, HostMachine.RunOptions(settings.Threads) with
            {
                Progress = new ProgressPrinter(stderr, settings.Quiet),
                Cancellation = cancel,
                CheckpointEvery = settings.CheckpointEvery ?? 0,
                Checkpoints = checkpoints,
                Resume = resume,
                Observer = export,
            });
        }
        catch (OperationCanceledException) when (checkpoints?.Last is { } last)
        {
            stderr.WriteLine($"last checkpoint: {checkpoints.Path} (seed {last.SeedIndex + 1}, tick {last.NextTick}); " +
                             $"continue with: simulator run --resume {checkpoints.Path}");
            throw;
        }

        export?.Complete();
        Write(run, folder);
        folder.Commit();
        checkpoints?.Delete();
        stdout.WriteLine(ConsoleTable.Render(run));
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Checkpoints go to --checkpoint-dir, else &lt;results&gt;/.checkpoints, never into the run's
    /// .partial folder (deleted on interruption). A resumed run keeps writing to the file it resumed from.
    /// </summary>
    private static string CheckpointPath(RunSettings settings, Scenario scenario, RunFolder folder, LoadedCheckpoint? resume)
    {
        if (resume is not null && settings.CheckpointDir is null)
        {
            return resume.FilePath;
        }

        var directory = settings.CheckpointDir ?? Path.Combine(settings.ResultsRoot, ".checkpoints");
        return Path.Combine(directory, $"{scenario.Name}-{Path.GetFileName(folder.FinalPath)}{CheckpointFile.Extension}");
    }

    private static LoadedCheckpoint OpenCheckpoint(string path)
    {
        if (Cluster.SeedCheckpoint.LooksLikeOne(path))
        {
            throw new UsageException($"--resume {path}: this is a cluster checkpoint (the finished seeds of a cluster run); resume it with --cluster HOST:GATEWAY");
        }

        try
        {
            return CheckpointFile.Open(path);
        }
        catch (CheckpointException e)
        {
            throw new UsageException($"--resume {e.Message}");
        }
    }

    private static Scenario ResumedScenario(RunSettings settings, LoadedCheckpoint resume) =>
        ResumedScenario(settings, resume.FilePath, resume.ScenarioJson, json => CheckpointFile.ScenarioHash(json).AsSpan().SequenceEqual(resume.ScenarioHash));

    /// <summary>
    /// The scenario to resume: the given file (with overrides), or the one stored in the checkpoint.
    /// Either way its resolved form must hash to the checkpoint's (matchesCheckpoint, given the
    /// resolved JSON), or the state would not fit it.
    /// </summary>
    internal static Scenario ResumedScenario(RunSettings settings, string checkpointPath, string storedScenarioJson, Func<string, bool> matchesCheckpoint)
    {
        var scenario = settings.ScenarioPath.Length > 0
            ? LoadScenario(settings)
            : ScenarioFiles.Parse(checkpointPath, storedScenarioJson, settings.Overrides);
        if (!matchesCheckpoint(ScenarioWriter.ToJson(scenario)))
        {
            throw new UsageException(
                $"--resume {checkpointPath}: the checkpoint was taken from a different scenario (the resolved scenario's hash differs); " +
                "resume with the same scenario file and overrides, or give only --resume to use the scenario stored in the checkpoint");
        }

        return scenario;
    }

    public static Scenario LoadScenario(RunSettings settings)
    {
        try
        {
            return ScenarioFiles.Load(settings.ScenarioPath, settings.Overrides);
        }
        catch (ScenarioException e)
        {
            throw new UsageException(ScenarioFiles.Format(settings.ScenarioPath, e));
        }
    }

    /// <summary>Writes every file of a run folder from the finished result.</summary>
    public static void Write(RunResult run, RunFolder folder) => Write(run, folder.File);

    /// <summary>Writes every file of a run folder (data files, then the report) through <paramref name="file"/> (relative path -> full path); sweeps write each cell this way.</summary>
    public static void Write(RunResult run, Func<string, string> file)
    {
        RunFolderWriter.Write(run, file);
        ReportFiles.Write(run, file);
    }
}
