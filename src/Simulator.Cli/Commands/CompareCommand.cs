using System.Text;
using Simulator.Cli.Infrastructure;
using Simulator.Reporting.Comparison;
using Simulator.Storage.RunFolders;

namespace Simulator.Cli.Commands;

/// <summary>`simulator compare`: several run folders side by side in one report, from their files alone.</summary>
public static class CompareCommand
{
    public const string Help = """
        simulator compare <run-dir> <run-dir>... [options]

        Reads two or more run folders (nothing is simulated) and writes one comparison folder with
        a self-contained report.html, report.md and plots/: a table of run x strategy x metric
        (mean [95% CI]), and per metric a time-series figure (colour = strategy, line pattern =
        run) and a grouped bar chart of the summaries. Runs are labelled "<folder> (<scenario>)".
        Only metrics every run has are compared; the others are named as skipped.
        The last line on stdout is the comparison folder's path.

        Options:
          --out DIR          write exactly into DIR (must not exist or be empty)
          --results DIR      parent when --out is not given: DIR/compare/<timestamp> (default: results)
          --metric M         compare only metric M (repeatable); M must be in every run
          --quiet            accepted for symmetry with run; compare prints no progress

        Examples:
          simulator compare results/quickstart/20260101-120000 results/quickstart/20260101-130000
          simulator compare runs/a runs/b runs/c --metric ndcg@10 --metric regret --out /tmp/abc
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr)
    {
        var outDir = args.String("out");
        var resultsRoot = args.String("results") ?? "results";
        var only = args.Strings("metric");
        args.Finish(int.MaxValue);
        if (args.Positionals.Count < 2)
        {
            throw new UsageException("compare needs at least two run folders, e.g. simulator compare results/a/20260101-120000 results/b/20260101-120000");
        }

        var runs = new List<ComparedRun>(args.Positionals.Count);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in args.Positionals)
        {
            var full = Path.GetFullPath(dir);
            var run = RunFolderReader.Read(full);
            var label = $"{Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar))} ({run.ScenarioName})";

            // Two folders with the same name and scenario (e.g. timestamps under different roots) stay distinguishable.
            var unique = label;
            for (var n = 2; !labels.Add(unique); n++)
            {
                unique = $"{label} #{n}";
            }

            runs.Add(new ComparedRun(unique, run));
        }

        var common = RunComparison.CommonMetrics(runs);
        if (common.Count == 0)
        {
            throw new UsageException("the runs have no metric in common, so there is nothing to compare: "
                + string.Join("; ", runs.Select(r => $"{r.Label}: {string.Join(", ", r.Run.Metrics)}")));
        }

        foreach (var metric in only)
        {
            if (!common.Contains(metric))
            {
                throw new UsageException($"--metric {metric}: not in every run; metrics common to all runs: {string.Join(", ", common)}");
            }
        }

        var comparison = RunComparison.Create(runs, only);
        if (comparison.SkippedMetrics.Count > 0)
        {
            stderr.WriteLine("note: " + ComparisonReport.SkippedNote(comparison));
        }

        var figures = ComparisonFigures.RenderAll(comparison);
        using var folder = RunFolder.Create(outDir, resultsRoot, "compare", DateTimeOffset.UtcNow);
        var utf8 = new UTF8Encoding(false);
        foreach (var figure in figures)
        {
            File.WriteAllBytes(folder.File(Path.Combine(RunFileNames.Plots, figure.PngFileName)), figure.Png);
            File.WriteAllText(folder.File(Path.Combine(RunFileNames.Plots, figure.SvgFileName)), figure.Svg, utf8);
        }

        File.WriteAllText(folder.File(RunFileNames.Html), ComparisonReport.RenderHtml(comparison, figures), utf8);
        File.WriteAllText(folder.File(RunFileNames.Markdown), ComparisonReport.RenderMarkdown(comparison, figures), utf8);
        folder.Commit();
        stdout.WriteLine($"compared {runs.Count} runs on {comparison.Metrics.Count} metric(s): {string.Join(", ", comparison.Metrics)}");
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }
}
