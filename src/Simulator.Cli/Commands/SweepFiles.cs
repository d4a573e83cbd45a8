using System.Text;
using Simulator.Core.Results;
using Simulator.Reporting.Sweeps;
using Simulator.Storage.RunFolders;
using Simulator.Storage.Sweeps;

namespace Simulator.Cli.Commands;

/// <summary>
/// The top level of a sweep folder: sweep.json, report.html, report.md and plots/ (the crossover
/// figures). Each cell is an ordinary run folder under cells/. Shared by `run` and `report`.
/// </summary>
public static class SweepFiles
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>True when <paramref name="directory"/> is a sweep folder (it has sweep.json).</summary>
    public static bool IsSweep(string directory) => File.Exists(Path.Combine(directory, SweepJson.FileName));

    /// <summary>Writes sweep.json and the sweep's report through <paramref name="file"/> (relative path -> full path).</summary>
    public static void Write(SweepResult sweep, Func<string, string> file)
    {
        File.WriteAllText(file(SweepJson.FileName), SweepJson.Write(sweep), Utf8);
        WriteReport(sweep, file);
    }

    /// <summary>Draws the crossover figures, the regime maps (time-aware minus twin) and the sweep's report.html and report.md.</summary>
    public static void WriteReport(SweepResult sweep, Func<string, string> file)
    {
        var figures = CrossoverFigure.RenderAll(sweep).Concat(TwinHeatmapFigure.RenderAll(sweep)).ToArray();
        foreach (var figure in figures)
        {
            File.WriteAllBytes(file(Path.Combine(RunFileNames.Plots, figure.PngFileName)), figure.Png);
            File.WriteAllText(file(Path.Combine(RunFileNames.Plots, figure.SvgFileName)), figure.Svg, Utf8);
        }

        File.WriteAllText(file(RunFileNames.Html), SweepReport.Html(sweep, figures), Utf8);
        File.WriteAllText(file(RunFileNames.Markdown), SweepReport.Markdown(sweep, figures), Utf8);
    }

    /// <summary>Redraws a sweep folder in place: every cell's report, then the sweep's own (stale crossover figures removed first).</summary>
    public static void Redraw(string directory)
    {
        var sweep = SweepJson.Read(directory);
        foreach (var cell in sweep.Cells)
        {
            ReportFiles.Replace(cell.Run, Path.Combine(directory, cell.Folder));
        }

        var plots = Path.Combine(directory, RunFileNames.Plots);
        if (Directory.Exists(plots))
        {
            foreach (var old in Directory.GetFiles(plots, "sweep_*"))
            {
                File.Delete(old);
            }
        }

        WriteReport(sweep, relative =>
        {
            var path = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return path;
        });
    }
}
