using System.Globalization;
using System.Text;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// exposure.csv: <c>strategy,item,exposures</c>, one row per strategy and item, the number of
/// times the item was shown over all ticks and seeds. The data behind the Lorenz curve.
/// </summary>
public static class ExposureCsv
{
    public const string Header = "strategy,item,exposures";

    public static void Write(IReadOnlyList<string> strategies, IReadOnlyList<long[]> exposure, TextWriter writer)
    {
        writer.Write(Header + "\n");
        var line = new StringBuilder(64);
        for (var s = 0; s < strategies.Count; s++)
        {
            for (var i = 0; i < exposure[s].Length; i++)
            {
                line.Clear().Append(strategies[s]).Append(',')
                    .Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(exposure[s][i].ToString(CultureInfo.InvariantCulture)).Append('\n');
                writer.Write(line);
            }
        }
    }

    /// <summary>Parses the file for the run's strategies and catalog size; throws <see cref="RunFolderException"/> naming the line.</summary>
    public static IReadOnlyList<long[]> Read(string path, string text, IReadOnlyList<string> strategies, int items)
    {
        var counts = strategies.Select(_ => new long[items]).ToArray();
        var index = strategies.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var lines = text.Split('\n');
        if (lines[0].TrimEnd('\r') != Header)
        {
            throw new RunFolderException($"{path}:1: expected header \"{Header}\"");
        }

        for (var n = 1; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 3
                || !index.TryGetValue(fields[0], out var s)
                || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var item) || item >= items
                || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw new RunFolderException(
                    $"{path}:{(n + 1).ToString(CultureInfo.InvariantCulture)}: expected <strategy of this run>,<item 0..{items - 1}>,<count>, found \"{line}\"");
            }

            counts[s][item] = count;
        }

        return counts;
    }
}
