using Simulator.Cli.Infrastructure;
using Simulator.Storage.RunFolders;
using Simulator.Storage.Sweeps;

namespace Simulator.Cli.Commands;

/// <summary>`simulator report`: redraws a run folder's report from its data files, without simulating.</summary>
public static class ReportCommand
{
    public const string Help = """
        simulator report <run-dir> [options]

        Redraws report.html, report.md and plots/ from the run folder's files alone
        (for a sweep folder: every cell's report and the sweep's crossover report, from sweep.json
        and the cell folders)
        (scenario.json, summary.json, metrics.csv, environment.json); nothing is simulated.
        The same run folder always gives byte-identical figures. By default the report is
        replaced in place (written to a staging folder first, then moved over the old files).
        The last line on stdout is the folder that holds the report.

        Options:
          --out DIR          write into DIR instead (must not exist or be empty); the data files
                             are copied along, so DIR is itself a complete run folder
          --quiet            accepted for symmetry with run; report prints no progress

        Examples:
          simulator report results/quickstart/20260101-120000
          simulator report results/quickstart/20260101-120000 --out /tmp/qs-report
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout)
    {
        var outDir = args.String("out");
        args.Finish(1);
        if (args.Positionals.Count != 1)
        {
            throw new UsageException("report needs one run folder, e.g. simulator report results/quickstart/20260101-120000");
        }

        var runDir = Path.GetFullPath(args.Positionals[0]);
        if (SweepFiles.IsSweep(runDir))
        {
            return RedrawSweep(runDir, outDir, stdout);
        }

        var run = RunFolderReader.Read(runDir);
        if (outDir is null)
        {
            ReportFiles.Replace(run, runDir);
            stdout.WriteLine(runDir);
            return ExitCodes.Success;
        }

        using var folder = RunFolder.Create(outDir, "results", run.ScenarioName, DateTimeOffset.UtcNow);
        foreach (var name in RunFileNames.DataFiles)
        {
            File.Copy(Path.Combine(runDir, name), folder.File(name));
        }

        foreach (var name in RunFileNames.OptionalDataFiles.Where(name => File.Exists(Path.Combine(runDir, name))))
        {
            File.Copy(Path.Combine(runDir, name), folder.File(name));
        }

        ReportFiles.Write(run, folder.File);
        folder.Commit();
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }

    /// <summary>Redraws a sweep folder in place, or copies it to --out first and redraws the copy.</summary>
    private static int RedrawSweep(string sweepDir, string? outDir, TextWriter stdout)
    {
        var target = sweepDir;
        RunFolder? folder = null;
        try
        {
            if (outDir is not null)
            {
                var sweep = SweepJson.Read(sweepDir);
                folder = RunFolder.Create(outDir, "results", sweep.ScenarioName, DateTimeOffset.UtcNow);
                CopyTree(sweepDir, folder.WorkingPath);
                target = folder.WorkingPath;
            }

            SweepFiles.Redraw(target);
            folder?.Commit();
            stdout.WriteLine(folder?.FinalPath ?? sweepDir);
            return ExitCodes.Success;
        }
        finally
        {
            folder?.Dispose();
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
