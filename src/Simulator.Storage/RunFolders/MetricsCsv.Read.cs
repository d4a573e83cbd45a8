using System.Globalization;
using Simulator.Core.Results;

namespace Simulator.Storage.RunFolders;

/// <summary>Reading metrics.csv back.</summary>
public static partial class MetricsCsv
{
    /// <summary>
    /// metrics.csv: header <c>strategy,seed,tick,&lt;metrics&gt;</c>, then exactly one row per
    /// (strategy, seed, tick) named in summary.json. Rows are matched by value, not position.
    /// </summary>
    internal static (IReadOnlyList<string> Metrics, MetricSeries Series) Read(
        string path, IReadOnlyList<string> strategies, IReadOnlyList<ulong> seeds, int ticks) =>
        RunFileAccess.ParseLines(path, lines => ReadLines(path, lines, strategies, seeds, ticks));

    private static (IReadOnlyList<string> Metrics, MetricSeries Series) ReadLines(
        string path, IEnumerable<string> lines, IReadOnlyList<string> strategies, IReadOnlyList<ulong> seeds, int ticks)
    {
        var strategyIndex = strategies.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
        var seedIndex = new Dictionary<ulong, int>();
        for (var i = 0; i < seeds.Count; i++)
        {
            seedIndex.TryAdd(seeds[i], i);
        }

        string[]? metrics = null;
        MetricSeries? series = null;
        bool[]? seen = null;
        var lineNumber = 0;
        var rows = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (metrics is null)
            {
                var header = line.Split(',');
                if (header.Length < 4 || header[0] != "strategy" || header[1] != "seed" || header[2] != "tick")
                {
                    throw new RunFolderException($"{path}:{lineNumber}: header must be \"strategy,seed,tick,<metric>...\", found \"{ErrorSnippet.Clip(line)}\"");
                }

                metrics = header[3..];
                var duplicate = metrics.GroupBy(m => m, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                {
                    throw new RunFolderException($"{path}:{lineNumber}: metric \"{duplicate.Key}\" appears twice in the header");
                }

                series = new MetricSeries(strategies.Count, seeds.Count, ticks, metrics.Length);
                seen = new bool[strategies.Count * seeds.Count * ticks];
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != metrics.Length + 3)
            {
                throw new RunFolderException($"{path}:{lineNumber}: expected {metrics.Length + 3} comma-separated values, found {cells.Length}");
            }

            if (!strategyIndex.TryGetValue(cells[0], out var w))
            {
                throw new RunFolderException($"{path}:{lineNumber}: strategy \"{ErrorSnippet.Clip(cells[0])}\" is not in {RunFileNames.Summary}");
            }

            if (!ulong.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seed) || !seedIndex.TryGetValue(seed, out var s))
            {
                throw new RunFolderException($"{path}:{lineNumber}: seed \"{ErrorSnippet.Clip(cells[1])}\" is not one of the seeds in {RunFileNames.Summary}");
            }

            if (!int.TryParse(cells[2], NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t >= ticks)
            {
                throw new RunFolderException($"{path}:{lineNumber}: tick \"{ErrorSnippet.Clip(cells[2])}\" is not an integer in [0, {ticks - 1}]");
            }

            var slot = (((w * seeds.Count) + s) * ticks) + t;
            if (seen![slot])
            {
                throw new RunFolderException($"{path}:{lineNumber}: duplicate row for strategy {cells[0]}, seed {cells[1]}, tick {cells[2]}");
            }

            seen[slot] = true;
            for (var m = 0; m < metrics.Length; m++)
            {
                if (!double.TryParse(cells[m + 3], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new RunFolderException($"{path}:{lineNumber}: {metrics[m]} value \"{ErrorSnippet.Clip(cells[m + 3])}\" is not a number");
                }

                series![w, s, t, m] = value;
            }

            rows++;
        }

        if (metrics is null)
        {
            throw new RunFolderException($"{path}: empty; expected a header line \"strategy,seed,tick,<metric>...\"");
        }

        var expected = strategies.Count * seeds.Count * ticks;
        if (rows != expected)
        {
            var missing = Array.IndexOf(seen!, false);
            var (mw, rest) = Math.DivRem(missing, seeds.Count * ticks);
            var (ms, mt) = Math.DivRem(rest, ticks);
            throw new RunFolderException(
                $"{path}: {rows} data rows, expected {expected} ({strategies.Count} strategies x {seeds.Count} seeds x {ticks} ticks); " +
                $"first missing: strategy {strategies[mw]}, seed {seeds[ms]}, tick {mt}");
        }

        return (metrics, series!);
    }
}
