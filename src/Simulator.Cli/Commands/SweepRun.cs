using System.Text;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Compute;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Reporting;
using Simulator.Storage.RunFolders;

namespace Simulator.Cli.Commands;

/// <summary>
/// `run` on a scenario with a sweep: every cell runs as a full scenario (all its seeds) into
/// cells/&lt;NN_settings&gt;/ of one run folder, then the sweep's index and crossover report are
/// written at the top. The folder is committed only when every cell is done. Cells run one
/// after another locally on the engine; with --cluster every seed of every cell goes into one
/// queue that all silos draw from (with --shard-grains, cells run one after another, each seed
/// split over all silos); either way a cell's files are those of a local run.
/// </summary>
internal static class SweepRun
{
    public static int Execute(RunSettings settings, Scenario scenario, IComputeEngine engine, TextWriter stdout, TextWriter stderr, CancellationToken cancel) =>
        Execute(settings, scenario, cell => SimulationRunner.Run(cell, engine, HostMachine.RunOptions(settings.Threads) with
        {
            Progress = new ProgressPrinter(stderr, settings.Quiet),
            Cancellation = cancel,
        }), stdout, stderr);

    /// <summary>The sweep with runCell running each cell's scenario to its result (all seeds), one cell after another.</summary>
    public static int Execute(RunSettings settings, Scenario scenario, Func<Scenario, RunResult> runCell, TextWriter stdout, TextWriter stderr) =>
        Execute(
            settings,
            scenario,
            cells => cells.Select(cell =>
            {
                stderr.WriteLine($"cell {cell.Index + 1}/{cells.Count}: {cell.Label}");
                return runCell(cell.Scenario);
            }),
            stdout);

    /// <summary>
    /// The sweep with runCells giving every cell's result in cell order (lazily, one cell after
    /// another, or all at once); each cell's files are written as its result arrives.
    /// </summary>
    public static int Execute(RunSettings settings, Scenario scenario, Func<IReadOnlyList<SweepCell>, IEnumerable<RunResult>> runCells, TextWriter stdout)
    {
        if (settings.CheckpointEvery is not null || settings.Resume is not null)
        {
            throw new UsageException("--checkpoint-every and --resume apply to single runs, not sweeps; run a long cell on its own with --set to checkpoint it");
        }

        var cells = ScenarioSweep.Cells(scenario);
        using var folder = RunFolder.Create(settings.Out, settings.ResultsRoot, scenario.Name, DateTimeOffset.UtcNow);
        File.WriteAllText(folder.File(RunFileNames.Scenario), ScenarioWriter.ToJson(scenario), new UTF8Encoding(false));
        var results = new List<SweepCellResult>(cells.Count);
        foreach (var (cell, run) in cells.Zip(runCells(cells)))
        {
            var relative = Path.Combine("cells", cell.FolderName);
            RunCommand.Write(run, name => folder.File(Path.Combine(relative, name)));
            results.Add(new SweepCellResult(cell.Index, relative.Replace('\\', '/'), cell.Settings, run));
        }

        var sweep = new SweepResult(scenario.Name, ScenarioWriter.ToJson(scenario), scenario.Sweep, results);
        SweepFiles.Write(sweep, folder.File);
        folder.Commit();
        foreach (var cell in results)
        {
            stdout.WriteLine($"{cell.Folder}: " + string.Join(", ", cell.Run.Strategies.Select(s =>
                $"{s} {MetricNames.Format(cell.Run.Summary[s][sweep.PrimaryMetric].Mean)}")));
        }

        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }
}
