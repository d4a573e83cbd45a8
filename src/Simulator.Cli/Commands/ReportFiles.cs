using System.Text;
using Simulator.Core.Results;
using Simulator.Reporting;
using Simulator.Reporting.Figures;
using Simulator.Storage.RunFolders;

namespace Simulator.Cli.Commands;

/// <summary>
/// Writes the drawn part of a run folder (report.html, report.md, plots/) from a RunResult. Shared
/// by `run` and `report`, so a redrawn report is the same code path and the same bytes.
/// </summary>
public static class ReportFiles
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Renders and writes report.html, report.md and plots/ through <paramref name="file"/> (relative path -> full path).</summary>
    public static void Write(RunResult run, Func<string, string> file)
    {
        var figures = ReportFigures.RenderAll(run);
        foreach (var figure in figures)
        {
            File.WriteAllBytes(file(Path.Combine(RunFileNames.Plots, figure.PngFileName)), figure.Png);
            File.WriteAllText(file(Path.Combine(RunFileNames.Plots, figure.SvgFileName)), figure.Svg, Utf8);
        }

        File.WriteAllText(file(RunFileNames.Html), HtmlReport.Render(run, figures), Utf8);
        File.WriteAllText(file(RunFileNames.Markdown), MarkdownReport.Render(run, figures), Utf8);
    }

    /// <summary>
    /// Redraws the report inside an existing run folder. Everything is written into a hidden
    /// staging folder first and only then moved over the old files, so a failure while rendering
    /// leaves the previous report untouched. Old plots are moved aside and deleted only after the
    /// new ones are in place, so stale figures (e.g. of a metric no longer drawn) do not linger.
    /// </summary>
    public static void Replace(RunResult run, string runDirectory)
    {
        var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stage = Path.Combine(runDirectory, ".report-new-" + pid);
        var oldPlots = Path.Combine(runDirectory, ".plots-old-" + pid);
        var plots = Path.Combine(runDirectory, RunFileNames.Plots);
        if (Directory.Exists(stage))
        {
            Directory.Delete(stage, recursive: true);
        }

        try
        {
            Write(run, relative =>
            {
                var path = Path.Combine(stage, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return path;
            });

            if (Directory.Exists(oldPlots))
            {
                Directory.Delete(oldPlots, recursive: true);
            }

            if (Directory.Exists(plots))
            {
                Directory.Move(plots, oldPlots);
            }

            try
            {
                Directory.Move(Path.Combine(stage, RunFileNames.Plots), plots);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Put the old figures back so the folder still has a complete report.
                if (!Directory.Exists(plots) && Directory.Exists(oldPlots))
                {
                    Directory.Move(oldPlots, plots);
                }

                throw;
            }

            File.Move(Path.Combine(stage, RunFileNames.Html), Path.Combine(runDirectory, RunFileNames.Html), overwrite: true);
            File.Move(Path.Combine(stage, RunFileNames.Markdown), Path.Combine(runDirectory, RunFileNames.Markdown), overwrite: true);
            if (Directory.Exists(oldPlots))
            {
                Directory.Delete(oldPlots, recursive: true);
            }
        }
        finally
        {
            if (Directory.Exists(stage))
            {
                Directory.Delete(stage, recursive: true);
            }
        }
    }
}
