using Simulator.Cli.Infrastructure;
using Simulator.Reporting.RunFiles;

namespace Simulator.Cli.Commands;

/// <summary>`simulator report`: redraws a run folder's report from its data files, without simulating.</summary>
public static class ReportCommand
{
    public const string Help = """
        simulator report <run-dir> [options]

        Redraws report.html, report.md and plots/ from the run folder's files alone
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
        var run = RunFolderReader.Read(runDir);
        if (outDir is null)
        {
            ReportFiles.Replace(run, runDir);
            stdout.WriteLine(runDir);
            return ExitCodes.Success;
        }

        using var folder = RunFolder.Create(outDir, "results", run.ScenarioName, DateTimeOffset.UtcNow);
        foreach (var name in ReportFiles.DataFiles)
        {
            File.Copy(Path.Combine(runDir, name), folder.File(name));
        }

        foreach (var name in ReportFiles.OptionalDataFiles.Where(name => File.Exists(Path.Combine(runDir, name))))
        {
            File.Copy(Path.Combine(runDir, name), folder.File(name));
        }

        ReportFiles.Write(run, folder.File);
        folder.Commit();
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }
}
