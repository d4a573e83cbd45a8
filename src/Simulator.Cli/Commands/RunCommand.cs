using System.Text;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Reporting;
using Simulator.Reporting.Export;
using Simulator.Reporting.RunFiles;

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
        users.csv (profile and true forgetting parameters) and items.csv (topic, quality).
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
          --cluster H:G      run the seeds on an Orleans cluster through gateway H:G (see `simulator silo`)
          --expect-silos N   with --cluster: wait for N silos before starting (default 1)
          --cluster-id ID    with --cluster: the silos' cluster id (default simulator)
          --export           also write interactions.csv, users.csv, items.csv (README:
                             "Exporting a synthetic dataset"); one row per shown item, so
                             size grows with users x ticks x slate size x strategies x seeds

        Examples:
          simulator run scenarios/quickstart.json
          simulator run scenarios/quickstart.json --seeds 5 --out /tmp/qs
          simulator run scenarios/quickstart.json --export --out /tmp/qs-data
          simulator run scenarios/quickstart.json --set population.users=500 --device ilgpu-cpu
          simulator run scenarios/quickstart.json --cluster localhost:30000 --expect-silos 3
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var settings = RunSettings.Read(args);
        var scenario = LoadScenario(settings);
        GuardMemory(scenario);
        if (settings.Cluster is not null)
        {
            return ClusterRunCommand.Execute(settings, scenario, stdout, stderr, cancel);
        }

        using var engine = EngineSelector.Create(settings.Device, settings.Threads, stderr);
        stderr.WriteLine($"scenario {scenario.Name}: {scenario.Population.Users} users, {scenario.Catalog.Items} items, d={scenario.Dim}, " +
                         $"{scenario.Ticks} ticks, {scenario.SeedCount} seeds, {scenario.Strategies.Count} strategies");
        stderr.WriteLine($"device: {engine.Info.Kind} ({engine.Info.DeviceName})");

        using var folder = RunFolder.Create(settings.Out, settings.ResultsRoot, scenario.Name, DateTimeOffset.UtcNow);

        // Declared after the folder so it is disposed (files closed) before a failed folder is deleted.
        using var export = settings.Export ? DatasetExporter.Create(folder.File) : null;
        var run = SimulationRunner.Run(scenario, engine, new RunOptions
        {
            Threads = settings.Threads,
            Progress = new ProgressPrinter(stderr, settings.Quiet),
            Cancellation = cancel,
            Observer = export,
        });

        export?.Complete();
        Write(run, folder);
        folder.Commit();
        stdout.WriteLine(ConsoleTable.Render(run));
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
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
    public static void Write(RunResult run, RunFolder folder)
    {
        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(folder.File(RunFileNames.Scenario), run.ScenarioJson, utf8);
        File.WriteAllText(folder.File(RunFileNames.Summary), SummaryJson.Write(run), utf8);
        File.WriteAllText(folder.File(RunFileNames.Environment), EnvironmentJson.Write(run.Environment), utf8);
        using (var csv = new StreamWriter(folder.File(RunFileNames.Metrics), false, utf8))
        {
            MetricsCsv.Write(run, csv);
        }

        if (run.ItemExposure is { } exposure)
        {
            using var csv = new StreamWriter(folder.File(RunFileNames.Exposure), false, utf8);
            ExposureCsv.Write(run.Strategies, exposure, csv);
        }

        if (run.ExampleUsers.Count > 0)
        {
            File.WriteAllText(folder.File(RunFileNames.ExampleUsers), ExampleUsersJson.Write(run.ExampleUsers), utf8);
        }

        if (run.ParameterRecoveryPoints.Count > 0)
        {
            using var points = new StreamWriter(folder.File(RunFileNames.ParameterRecovery), false, utf8);
            ParameterRecoveryCsv.Write(run, points);
        }

        ReportFiles.Write(run, folder.File);
    }

    private static void GuardMemory(Scenario scenario)
    {
        var needed = MemoryEstimate.Bytes(scenario);
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
        {
            throw new UsageException(
                $"scenario {scenario.Name} needs about {needed / (1024.0 * 1024 * 1024):F1} GiB " +
                $"({scenario.Population.Users} users x {scenario.Strategies.Count} strategies), but only {available / (1024.0 * 1024 * 1024):F1} GiB is available; " +
                "reduce population.users, the number of strategies or topics");
        }
    }
}
