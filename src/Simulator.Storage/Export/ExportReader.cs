using System.Globalization;
using System.Text;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;
using Simulator.Storage.InteractionLogs;
using Simulator.Storage.RunFolders;

namespace Simulator.Storage.Export;

/// <summary>
/// Reads the simulator's own export: a run folder (or its interactions.csv) with columns
/// seed,strategy,tick,user,position,item,true_prob,clicked,dwell, one row per shown item, and
/// items.csv ([seed,]item,topic[,quality]) beside it for each item's topic and quality (per seed
/// when it has a seed column: each seed draws its own catalog). Every seed x strategy x user is a
/// separate history (each strategy's world is its own counterfactual), and a user is a seed x
/// user, because per-user forgetting parameters are drawn per seed. Time is tick x tickLength
/// from scenario.json when the folder has one.
/// </summary>
public static class ExportReader
{
    private static readonly string[] Required = ["seed", "strategy", "tick", "user", "position", "item", "clicked"];

    public static LogReadResult Read(string path, LogReadOptions options, IProgress<long>? progress = null, CancellationToken cancel = default)
    {
        var interactions = Directory.Exists(path) ? Path.Combine(path, DatasetFiles.Interactions) : path;
        var folder = Path.GetDirectoryName(Path.GetFullPath(interactions)) ?? ".";
        if (!File.Exists(interactions))
        {
            throw new LogLineException(Path.GetFileName(interactions), 0, $"no {DatasetFiles.Interactions} in the export folder");
        }

        // The header first: a ratings file read as an export is told so, not that items.csv is missing.
        var firstLine = InteractionLogReader.FirstLine(interactions);
        var firstFields = firstLine.Split(',').Select(h => h.Trim()).ToArray();
        var absent = Required.FirstOrDefault(c => !firstFields.Contains(c, StringComparer.Ordinal));
        if (absent is not null)
        {
            throw new LogLineException(Path.GetFileName(interactions), 1,
                $"not a simulator export: the header has no \"{absent}\" column (an export's {DatasetFiles.Interactions} starts with {string.Join(",", Required)}){LogFormatDetector.Hint(firstLine, LogFormat.Export)}");
        }

        var notes = new List<string>();
        var (items, hasQuality, seeded) = ReadItems(Path.Combine(folder, DatasetFiles.Items));
        var itemLookup = items.GetAlternateLookup<ReadOnlySpan<char>>();
        var tickLength = TickLength(Path.Combine(folder, RunFileNames.Scenario), notes);
        if (!hasQuality)
        {
            notes.Add($"{DatasetFiles.Items} has no quality column: the impression likelihood has no quality term");
        }

        var file = Path.GetFileName(interactions);
        var bad = new BadLineCounter(file, options.SkipBad, LogFormatDetector.Describe(LogFormat.Export));
        var histories = new IdTable();
        var users = new IdTable();
        var topics = new IdTable();
        var log = new InteractionLog { HasImpressions = true, Origin = 0, HasQuality = hasQuality };
        Span<Range> fields = stackalloc Range[32];
        Span<char> key = stackalloc char[256];
        int[] at = [];
        long lineNumber = 0;
        long lines = 0;
        using var reader = new StreamReader(interactions, Encoding.UTF8, true, 1 << 16);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if ((lineNumber & (InteractionLogReader.ProgressLines - 1)) == 0)
            {
                cancel.ThrowIfCancellationRequested();
                progress?.Report(lineNumber);
            }

            if (lineNumber == 1)
            {
                var header = line.Split(',').Select(h => h.Trim()).ToArray();
                var missing = Required.FirstOrDefault(c => !header.Contains(c, StringComparer.Ordinal));
                if (missing is not null)
                {
                    throw new LogLineException(file, 1, $"missing column \"{missing}\" in the export header (expected {string.Join(",", Required)})");
                }

                at = Required.Select(c => Array.IndexOf(header, c)).ToArray();
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            lines++;
            var span = line.AsSpan();
            var count = span.Split(fields, ',');
            var maxIndex = at.Max();
            if (count <= maxIndex)
            {
                bad.Report(lineNumber, $"missing column: the line has {count} field(s), expected at least {maxIndex + 1}");
                continue;
            }

            var seed = span[fields[at[0]]];
            var strategy = span[fields[at[1]]];
            var userText = span[fields[at[3]]];
            if (!int.TryParse(span[fields[at[2]]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tick) || tick < 0)
            {
                bad.Report(lineNumber, $"unparseable tick \"{span[fields[at[2]]]}\" (expected a non-negative integer)");
                continue;
            }

            if (!int.TryParse(span[fields[at[4]]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var position) || position < 0)
            {
                bad.Report(lineNumber, $"unparseable position \"{span[fields[at[4]]]}\" (expected a non-negative integer)");
                continue;
            }

            var clickedText = span[fields[at[6]]].Trim();
            bool clicked;
            if (clickedText is "1" || clickedText.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                clicked = true;
            }
            else if (clickedText is "0" || clickedText.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                clicked = false;
            }
            else
            {
                bad.Report(lineNumber, $"unparseable clicked \"{clickedText}\" (expected 0, 1, true or false)");
                continue;
            }

            var itemText = span[fields[at[5]]].Trim();
            if (seed.Length + strategy.Length + userText.Length + 2 > key.Length || seed.Length + itemText.Length + 1 > key.Length)
            {
                bad.Report(lineNumber, "seed, strategy, user or item fields are too long");
                continue;
            }

            if (!itemLookup.TryGetValue(seeded ? Join(key, seed, itemText) : itemText, out var item))
            {
                bad.Report(lineNumber, $"item \"{itemText}\" is not in {DatasetFiles.Items}{(seeded ? $" for seed {seed}" : string.Empty)}");
                continue;
            }

            var userKey = Join(key, seed, default, userText);
            var user = users[userKey];
            var historyKey = Join(key, seed, strategy, userText);
            var history = histories.TryGet(historyKey, out var known) ? known : -1;
            if (history < 0)
            {
                history = histories[historyKey];
                log.AddHistory(user);
            }

            log.Add(history, topics[item.Topic], tick * tickLength, position, clicked, item.Quality);
            bad.Good++;
        }

        if (lines == 0)
        {
            throw new LogLineException(file, Math.Max(1, lineNumber), "the export has no data lines");
        }

        bad.FailIfNothingRead(lines);

        return new LogReadResult(log, LogFormat.Export, lines, bad.Skipped, bad.First, topics.Names, $"{DatasetFiles.Items} topic column", "ticks", tickLength, notes,
            users.Names.Select(n => n.Replace("\u001f\u001f", ":", StringComparison.Ordinal)).ToArray());
    }

    private static ReadOnlySpan<char> Join(Span<char> buffer, ReadOnlySpan<char> a, ReadOnlySpan<char> b, ReadOnlySpan<char> c)
    {
        a.CopyTo(buffer);
        buffer[a.Length] = '\u001f';
        b.CopyTo(buffer[(a.Length + 1)..]);
        buffer[a.Length + 1 + b.Length] = '\u001f';
        c.CopyTo(buffer[(a.Length + b.Length + 2)..]);
        return buffer[..(a.Length + b.Length + 2 + c.Length)];
    }

    private static ReadOnlySpan<char> Join(Span<char> buffer, ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a.CopyTo(buffer);
        buffer[a.Length] = '\u001f';
        b.CopyTo(buffer[(a.Length + 1)..]);
        return buffer[..(a.Length + 1 + b.Length)];
    }

    /// <summary>
    /// items.csv: each item's topic and quality, keyed by seed and item when the file has a seed
    /// column (Seeded), else by item; HasQuality when it has a quality column.
    /// </summary>
    private static (Dictionary<string, (string Topic, float Quality)> Items, bool HasQuality, bool Seeded) ReadItems(string path)
    {
        var file = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new LogLineException(file, 0, $"{DatasetFiles.Items} is missing beside {DatasetFiles.Interactions} (it gives each item's topic)");
        }

        var items = new Dictionary<string, (string Topic, float Quality)>(StringComparer.Ordinal);
        var lineNumber = 0;
        int item = -1, topic = -1, seed = -1, quality = -1;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var fields = line.Split(',');
            if (lineNumber == 1)
            {
                item = Array.IndexOf(fields, "item");
                topic = Array.IndexOf(fields, "topic");
                seed = Array.IndexOf(fields, "seed");
                quality = Array.IndexOf(fields, "quality");
                if (item < 0 || topic < 0)
                {
                    throw new LogLineException(file, 1, $"missing column \"{(item < 0 ? "item" : "topic")}\" in the {DatasetFiles.Items} header");
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var needed = Math.Max(Math.Max(item, topic), Math.Max(seed, quality)) + 1;
            if (fields.Length < needed)
            {
                throw new LogLineException(file, lineNumber, $"missing column: the line has {fields.Length} field(s), expected at least {needed}");
            }

            var q = 0f;
            if (quality >= 0 && !float.TryParse(fields[quality], NumberStyles.Float, CultureInfo.InvariantCulture, out q))
            {
                throw new LogLineException(file, lineNumber, $"unparseable quality \"{fields[quality]}\" (expected a number)");
            }

            var key = seed >= 0 ? $"{fields[seed].Trim()}\u001f{fields[item].Trim()}" : fields[item].Trim();
            items[key] = (fields[topic].Trim(), q);
        }

        return (items, quality >= 0, seed >= 0);
    }

    private static double TickLength(string scenarioPath, List<string> notes)
    {
        if (!File.Exists(scenarioPath))
        {
            return 1;
        }

        try
        {
            return ScenarioParser.Parse(File.ReadAllText(scenarioPath), "export").TickLength;
        }
        catch (ScenarioException e)
        {
            notes.Add($"{RunFileNames.Scenario} beside the export could not be read ({e.Message.Split('\n')[0]}); one tick is taken as one time unit");
            return 1;
        }
    }
}
