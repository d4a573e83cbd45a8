using System.Globalization;
using Simulator.Core.Results;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// retention.csv: <c>strategy,seed,gap,learned,true</c>, one row per probed gap of every time-aware
/// strategy and seed (<see cref="RetentionCurve"/>): the strategy's learned retention and the world's
/// true population retention at that gap. The data behind the learned-retention figure and the
/// half-lives in summary.json. Round-trip numbers.
/// </summary>
public static class RetentionCsv
{
    public const string Header = "strategy,seed,gap,learned,true";

    public static void Write(RunResult run, TextWriter writer)
    {
        writer.Write(Header);
        writer.Write('\n');
        foreach (var curve in run.Retention)
        {
            for (var g = 0; g < curve.Gaps.Count; g++)
            {
                writer.Write(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{curve.Strategy},{curve.Seed},{curve.Gaps[g]},{curve.Learned[g].ToString("R", CultureInfo.InvariantCulture)},{curve.True[g].ToString("R", CultureInfo.InvariantCulture)}\n"));
            }
        }
    }

    /// <summary>Reads the file back; empty when the run folder has none (no time-aware strategy ran). Curves keep the file's order.</summary>
    public static IReadOnlyList<RetentionCurve> ReadIfPresent(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var rows = new List<(string Strategy, ulong Seed, int Gap, double Learned, double True)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (line != Header)
                {
                    throw new RunFolderException($"{path}:1: header must be \"{Header}\"");
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != 5
                || !ulong.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
                || !int.TryParse(cells[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gap)
                || !double.TryParse(cells[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var learned)
                || !double.TryParse(cells[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var truth))
            {
                throw new RunFolderException($"{path}:{lineNumber}: expected {Header} with numbers");
            }

            rows.Add((cells[0], seed, gap, learned, truth));
        }

        return rows
            .GroupBy(r => (r.Strategy, r.Seed))
            .Select(g => new RetentionCurve(g.Key.Strategy, g.Key.Seed, g.Select(r => r.Gap).ToArray(), g.Select(r => r.Learned).ToArray(), g.Select(r => r.True).ToArray()))
            .ToArray();
    }
}
