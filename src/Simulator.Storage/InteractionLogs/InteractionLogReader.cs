using System.Globalization;
using System.Text;
using Simulator.Core.Fitting;
using Simulator.Storage.Export;

namespace Simulator.Storage.InteractionLogs;

/// <summary>
/// Streams a timestamped log (generic CSV/TSV, MovieLens, Last.fm) line by line into an
/// <see cref="InteractionLog"/> of engagements. Fields are split into spans and ids interned by
/// span, so a line of known ids allocates only the line itself. Times become fit units
/// (<see cref="LogReadOptions.UnitSeconds"/>, days by default) measured from the first timestamp.
/// Topics come from a topic column, MovieLens genres (movies.dat or u.item beside the ratings),
/// Last.fm artists, or else the item itself.
/// </summary>
public static class InteractionLogReader
{
    private static readonly string[] UserNames = ["user", "user_id", "userid", "uid"];
    private static readonly string[] ItemNames = ["item", "item_id", "itemid", "movieid", "movie_id", "track", "track_id", "product_id", "iid"];
    private static readonly string[] TimeNames = ["timestamp", "time", "ts", "datetime", "date", "unix_time"];
    private static readonly string[] TopicNames = ["topic", "category", "genre", "artist", "category_id"];
    private static readonly string[] RatingNames = ["rating", "score"];
    private static readonly string[] DwellNames = ["dwell", "dwell_time", "duration", "watch_time"];

    /// <summary>MovieLens 100K genre flags of u.item, in file order.</summary>
    private static readonly string[] Ml100KGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <summary>Lines between progress reports and cancellation checks.</summary>
    internal const int ProgressLines = 1 << 16;

    /// <summary>Name of the topic that pools items without a genre (an empty genre field, or an item not in the genre file).</summary>
    public const string UnknownTopic = "unknown";

    public static LogReadResult Read(string path, LogReadOptions options, IProgress<long>? progress = null, CancellationToken cancel = default)
    {
        var firstLine = FirstLine(path);
        var format = options.Format ?? LogFormatDetector.Detect(firstLine);
        if (format == LogFormat.Export)
        {
            return ExportReader.Read(path, options, progress, cancel);
        }

        var users = new IdTable();
        var items = new IdTable();
        var topics = new IdTable();
        var notes = new List<string>();
        var adjustments = new List<string>();
        var file = Path.GetFileName(path);
        var bad = new BadLineCounter(file, options.SkipBad, LogFormatDetector.Describe(format) + LogFormatDetector.Hint(firstLine, format));
        var layout = Layout.For(format, path, options, notes);
        var genres = layout.ItemGenres;
        var log = new InteractionLog { HasImpressions = false };
        var historyOfUser = new List<int>();
        var rows = new List<Row>();
        var lastOfUser = new List<double>();
        var ungenred = new HashSet<int>();
        long lineNumber = 0;
        long lines = 0;
        long filtered = 0;
        long backward = 0;
        long consecutive = 0;
        long firstBackward = 0;
        var ratingMin = double.PositiveInfinity;
        var ratingMax = double.NegativeInfinity;
        Span<Range> fields = stackalloc Range[64];
        using var reader = new StreamReader(path, Encoding.UTF8, true, 1 << 16);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if ((lineNumber & (ProgressLines - 1)) == 0)
            {
                cancel.ThrowIfCancellationRequested();
                progress?.Report(lineNumber);
            }

            if (lineNumber == 1 && layout.HasHeader)
            {
                layout.ReadHeader(line, file);
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            lines++;
            var span = line.AsSpan();
            var count = FieldSplitter.Split(span, layout.Separator, fields);
            if (count <= layout.MaxIndex)
            {
                bad.Report(lineNumber, $"missing column {layout.NameOf(layout.MaxIndex, count)}: the line has {count} field(s), expected at least {layout.MaxIndex + 1}");
                continue;
            }

            var timeText = span[fields[layout.Time]];
            if (!TimestampParser.TryParse(timeText, options.TimeFormat, out var seconds))
            {
                bad.Report(lineNumber, $"unparseable timestamp \"{timeText}\" in column {layout.NameOf(layout.Time, count)} (expected {TimestampParser.Describe(options.TimeFormat)})");
                continue;
            }

            var userText = span[fields[layout.User]].Trim();
            var itemText = span[fields[layout.Item]].Trim();
            if (userText.IsEmpty || itemText.IsEmpty)
            {
                bad.Report(lineNumber, $"empty {(userText.IsEmpty ? "user" : "item")} field");
                continue;
            }

            if (!PassesThresholds(span, fields, layout, options, lineNumber, bad, ref ratingMin, ref ratingMax, out var keep))
            {
                continue;
            }

            bad.Good++;
            if (!keep)
            {
                filtered++;
                continue;
            }

            var user = users[userText];
            if (user == historyOfUser.Count)
            {
                historyOfUser.Add(log.AddHistory(user));
                lastOfUser.Add(seconds);
            }
            else
            {
                consecutive++;
                if (seconds < lastOfUser[user])
                {
                    backward++;
                    firstBackward = firstBackward == 0 ? lineNumber : firstBackward;
                }

                lastOfUser[user] = seconds;
            }

            var item = items[itemText];
            int topic;
            if (layout.Topic >= 0)
            {
                topic = topics[span[fields[layout.Topic]].Trim()];
            }
            else if (genres is not null)
            {
                if (genres.TryGetValue(items.Names[item], out var genre) && genre.Length > 0)
                {
                    topic = topics[genre];
                }
                else
                {
                    ungenred.Add(item);
                    topic = topics[UnknownTopic];
                }
            }
            else
            {
                topic = topics[itemText];
            }

            rows.Add(new Row(historyOfUser[user], item, topic, seconds, lineNumber));
        }

        if (lines == 0)
        {
            throw new LogLineException(file, Math.Max(1, lineNumber), "the log has no data lines");
        }

        bad.FailIfNothingRead(lines);
        var warnings = new List<string>();
        var checks = new List<string>();
        CheckRatings(options, layout, bad.Good, filtered, ratingMin, ratingMax, file, checks, warnings);
        rows = DropOutlyingTimes(rows, bad, file, options, checks);
        CheckOrder(rows, historyOfUser.Count, consecutive, backward, firstBackward, file, checks, warnings);

        var first = rows.Count > 0 ? rows.Min(r => r.Seconds) : 0;
        foreach (var row in rows)
        {
            log.Add(row.History, row.Topic, (row.Seconds - first) / options.UnitSeconds, -1, true);
        }

        if (filtered > 0)
        {
            notes.Add($"{filtered} row(s) below --min-rating/--min-dwell were not counted as engagements");
        }

        if (ungenred.Count > 0)
        {
            var genreFile = format == LogFormat.MovieLens ? "movies.dat" : "u.item";
            adjustments.Add($"{ungenred.Count} item(s) have no genre in {genreFile} (an empty genre, or not listed): they form one topic, \"{UnknownTopic}\", rather than a topic each");
        }

        return new LogReadResult(log, format, lines, bad.Skipped, bad.First, topics.Names, layout.TopicSource, UnitName(options.UnitSeconds), 1, notes, users.Names)
        {
            Warnings = warnings,
            Checks = checks,
            Adjustments = adjustments,
        };
    }

    /// <summary>One kept row of a timestamped log, with its line for messages.</summary>
    private readonly record struct Row(int History, int Item, int Topic, double Seconds, long Line);

    /// <summary>Timestamps beyond this many times the span of the middle 98% of the log, outside it, are taken as damaged.</summary>
    public const double OutlierSpans = 3;

    /// <summary>Share of a user's consecutive lines whose time goes backwards below which the log counts as in time order (and the backward steps are flagged).</summary>
    public const double OrderedShare = 0.01;

    /// <summary>Share of rows repeating a user, item and timestamp above which the summary warns.</summary>
    public const double DuplicateWarning = 0.01;

    /// <summary>Share of a user's consecutive engagements sharing a timestamp above which the summary warns of coarse timestamps.</summary>
    public const double TieWarning = 0.2;

    /// <summary>
    /// Robust bounds on the timestamps: the 1st and 99th percentiles, widened on each side by
    /// <see cref="OutlierSpans"/> times their distance (at least one second). A row outside is an
    /// error naming its line (a line cut in the middle of its timestamp reads as a time near 1970),
    /// or, under --skip-bad, a skipped bad line.
    /// </summary>
    private static List<Row> DropOutlyingTimes(List<Row> rows, BadLineCounter bad, string file, LogReadOptions options, List<string> checks)
    {
        if (rows.Count == 0)
        {
            return rows;
        }

        var sorted = rows.Select(r => r.Seconds).ToArray();
        Array.Sort(sorted);
        var low = Simulator.Core.Statistics.Quantiles.OfSorted(sorted, 0.01);
        var high = Simulator.Core.Statistics.Quantiles.OfSorted(sorted, 0.99);
        var width = Math.Max(high - low, 1);
        var lower = low - (OutlierSpans * width);
        var upper = high + (OutlierSpans * width);
        var outside = rows.Where(r => r.Seconds < lower || r.Seconds > upper).OrderBy(r => r.Line).ToArray();
        var bounds = $"timestamps: 98% of rows from {Time(low)} to {Time(high)}; rows more than {OutlierSpans} times that span ({Duration(width)}) outside it are taken as damaged";
        if (outside.Length == 0)
        {
            checks.Add($"{bounds}: none");
            return rows;
        }

        foreach (var r in outside)
        {
            var why = $"timestamp {Time(r.Seconds)} lies far outside the rest of the log ({bounds}; {outside.Length} such row(s)): is the line cut short? Fix or remove it";
            bad.Report(r.Line, why);
        }

        checks.Add($"{bounds}: {outside.Length} row(s) skipped under --skip-bad {options.SkipBad}");
        var drop = outside.Select(r => r.Line).ToHashSet();
        return rows.Where(r => !drop.Contains(r.Line)).ToList();
    }

    /// <summary>
    /// Order, duplicates and ties: time going backwards within a user's lines in a log that is
    /// otherwise in time order, rows repeating a user, item and timestamp, and consecutive
    /// engagements of a user sharing a timestamp (dates without times).
    /// </summary>
    private static void CheckOrder(List<Row> rows, int histories, long consecutive, long backward, long firstBackward, string file, List<string> checks, List<string> warnings)
    {
        if (consecutive > 0)
        {
            var share = backward / (double)consecutive;
            if (backward == 0)
            {
                checks.Add("order: every user's lines are in time order");
            }
            else if (share < OrderedShare)
            {
                warnings.Add($"time goes backwards at {backward} of {consecutive} consecutive lines of a user ({Percent(share, 2)}; first at {file}:{firstBackward}) in a log that is otherwise in time order (under {Percent(OrderedShare, 0)} backwards): a clock reset, or files appended out of order? Rows are sorted by time before fitting");
            }
            else
            {
                checks.Add($"order: the lines are not in time order within users ({Percent(share, 0)} step backwards); rows are sorted by time before fitting");
            }
        }

        // Rows by (history, time, item), so repeats and ties are neighbours: a stable counting sort
        // by history keeps file order, which is time order in most logs; only the histories
        // whose rows are not already in (time, item) order are sorted further (linear on an
        // ordered log of millions of rows, where one comparison sort of every row took seconds).
        var start = new int[histories + 1];
        foreach (var row in rows)
        {
            start[row.History + 1]++;
        }

        for (var h = 0; h < histories; h++)
        {
            start[h + 1] += start[h];
        }

        var next = (int[])start.Clone();
        var order = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            order[next[rows[i].History]++] = i;
        }

        var byTimeAndItem = Comparer<int>.Create((a, b) =>
        {
            var c = rows[a].Seconds.CompareTo(rows[b].Seconds);
            return c != 0 ? c : rows[a].Item.CompareTo(rows[b].Item);
        });
        for (var h = 0; h < histories; h++)
        {
            for (var i = start[h] + 1; i < start[h + 1]; i++)
            {
                if (byTimeAndItem.Compare(order[i - 1], order[i]) > 0)
                {
                    Array.Sort(order, start[h], start[h + 1] - start[h], byTimeAndItem);
                    break;
                }
            }
        }
        long duplicates = 0, ties = 0, pairs = 0;
        for (var k = 1; k < order.Length; k++)
        {
            var a = rows[order[k - 1]];
            var b = rows[order[k]];
            if (a.History != b.History)
            {
                continue;
            }

            pairs++;
            if (a.Seconds == b.Seconds)
            {
                if (a.Item == b.Item)
                {
                    duplicates++;
                }
                else
                {
                    ties++;
                }
            }
        }

        var duplicateShare = rows.Count > 0 ? duplicates / (double)rows.Count : 0;
        var tieShare = pairs > 0 ? ties / (double)pairs : 0;
        checks.Add($"repeats: {duplicates} row(s) ({Percent(duplicateShare, 2)}) repeat a user, item and timestamp (warning above {Percent(DuplicateWarning, 0)}); {Percent(tieShare, 1)} of a user's consecutive engagements share a timestamp (warning above {Percent(TieWarning, 0)})");
        if (duplicateShare > DuplicateWarning)
        {
            warnings.Add($"{duplicates} row(s) ({Percent(duplicateShare, 1)}, above {Percent(DuplicateWarning, 0)}) repeat a user, item and timestamp already seen: the log may hold the same events twice (a file appended to itself?); each repeat counts as an engagement");
        }

        if (tieShare > TieWarning)
        {
            warnings.Add($"{Percent(tieShare, 0)} of a user's consecutive engagements share a timestamp (above {Percent(TieWarning, 0)}): the timestamps may be coarser than they look (dates without times?), and gaps shorter than their resolution read as 0");
        }

    }

    /// <summary>
    /// The rating scale seen when --min-rating is given: an error when the threshold is above every
    /// rating, a WARNING when it sits in the lower half of the scale seen (4 on a 1-10 scale keeps
    /// most ratings; "liked" on a 1-5 scale is 4, about 8 on 1-10), and a WARNING when the log has
    /// no rating column at all.
    /// </summary>
    private static void CheckRatings(LogReadOptions options, Layout layout, long lines, long filtered, double min, double max, string file, List<string> checks, List<string> warnings)
    {
        if (options.MinDwell is not null && layout.Dwell < 0)
        {
            warnings.Add("--min-dwell is ignored: the log has no dwell column (name one with --dwell-col)");
        }

        if (options.MinRating is not { } threshold)
        {
            return;
        }

        if (layout.Rating < 0)
        {
            warnings.Add("--min-rating is ignored: the log has no rating column (name one with --rating-col)");
            return;
        }

        if (!double.IsFinite(min))
        {
            return;
        }

        if (threshold > max)
        {
            throw new LogLineException(file, 1, $"--min-rating {Number(threshold)} is above every rating in the log ({Number(min)} to {Number(max)}): nothing would count as an engagement");
        }

        var kept = lines - filtered;
        checks.Add($"ratings: {Number(min)} to {Number(max)} seen; --min-rating {Number(threshold)} keeps {kept} of {lines} rows ({Percent(kept / (double)lines, 0)})");
        var place = max > min ? (threshold - min) / (max - min) : 1;
        if (place < 0.5 && max > 5)
        {
            // "Liked" on a 1-5 scale (4) sits three quarters of the way up; the same place on this scale.
            var suggested = min + (0.75 * (max - min));
            warnings.Add($"--min-rating {Number(threshold)} sits in the lower half of the ratings seen ({Number(min)} to {Number(max)}; warning below the middle) and keeps {Percent(kept / (double)lines, 0)} of rows: if it meant \"liked\" on a 1-5 scale, the same place on this scale is about {Number(Math.Round(suggested))}");
        }
    }

    /// <summary>A share as a percentage with the given decimals ("10.5%").</summary>
    public static string Percent(double share, int decimals = 0) => (share * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Time(double seconds) =>
        seconds is > -62135596800 and < 253402300799
            ? DateTimeOffset.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) + $" ({Number(seconds)})"
            : Number(seconds);

    /// <summary>A duration in seconds in the largest unit that keeps it above 1 (s, min, h, days).</summary>
    public static string Duration(double seconds) => Math.Abs(seconds) switch
    {
        < 60 => $"{seconds.ToString("0.##", CultureInfo.InvariantCulture)} s",
        < 3600 => $"{(seconds / 60).ToString("0.##", CultureInfo.InvariantCulture)} min",
        < 86400 => $"{(seconds / 3600).ToString("0.##", CultureInfo.InvariantCulture)} h",
        _ => $"{(seconds / 86400).ToString("0.##", CultureInfo.InvariantCulture)} days",
    };

    public static string UnitName(double seconds) => seconds switch
    {
        1 => "seconds",
        60 => "minutes",
        3600 => "hours",
        86400 => "days",
        604800 => "weeks",
        _ => $"{seconds.ToString(CultureInfo.InvariantCulture)} s",
    };

    internal static string FirstLine(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, true);
        return reader.ReadLine() ?? string.Empty;
    }

    private static bool PassesThresholds(ReadOnlySpan<char> span, Span<Range> fields, Layout layout, LogReadOptions options, long lineNumber, BadLineCounter bad, ref double ratingMin, ref double ratingMax, out bool keep)
    {
        keep = true;
        foreach (var (index, min, what) in new[] { (layout.Rating, options.MinRating, "rating"), (layout.Dwell, options.MinDwell, "dwell") })
        {
            if (index < 0 || min is null)
            {
                continue;
            }

            var text = span[fields[index]].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                bad.Report(lineNumber, $"unparseable {what} \"{text}\" (expected a number)");
                return false;
            }

            keep &= value >= min.Value;
            if (index == layout.Rating)
            {
                ratingMin = Math.Min(ratingMin, value);
                ratingMax = Math.Max(ratingMax, value);
            }
        }

        return true;
    }

    /// <summary>Column positions and topic source of one layout.</summary>
    private sealed class Layout
    {
        private string[] _header = [];
        private string _firstLine = string.Empty;
        private LogReadOptions _options = new();

        public bool HasHeader { get; private init; }

        public string Separator { get; private set; } = ",";

        public int User { get; private set; }

        public int Item { get; private set; } = 1;

        public int Time { get; private set; } = 2;

        public int Topic { get; private set; } = -1;

        public int Rating { get; private set; } = -1;

        public int Dwell { get; private set; } = -1;

        public int MaxIndex => new[] { User, Item, Time, Topic, Rating, Dwell }.Max();

        public string TopicSource { get; private set; } = "items (the log has no topic column)";

        public Dictionary<string, string>? ItemGenres { get; private init; }

        public static Layout For(LogFormat format, string path, LogReadOptions options, List<string> notes)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            switch (format)
            {
                case LogFormat.MovieLens:
                    var movies = Path.Combine(folder, "movies.dat");
                    var genres = File.Exists(movies) ? ReadGenres(movies, "::", f => f.Length >= 3 ? f[2].Split('|')[0].Trim() : null) : null;
                    return new Layout
                    {
                        Separator = "::",
                        User = 0,
                        Item = 1,
                        Rating = 2,
                        Time = 3,
                        _options = options,
                        ItemGenres = genres,
                        TopicSource = genres is null ? "items (no movies.dat beside the ratings)" : "first genre in movies.dat",
                    };
                case LogFormat.MovieLens100K:
                    var uitem = Path.Combine(folder, "u.item");
                    var genres100K = File.Exists(uitem) ? ReadGenres(uitem, "|", FirstGenreFlag) : null;
                    return new Layout
                    {
                        Separator = "\t",
                        User = 0,
                        Item = 1,
                        Rating = 2,
                        Time = 3,
                        _options = options,
                        ItemGenres = genres100K,
                        TopicSource = genres100K is null ? "items (no u.item beside u.data)" : "first genre flag in u.item",
                    };
                case LogFormat.LastFm:
                    return options.ArtistAsItem
                        ? new Layout { Separator = "\t", User = 0, Time = 1, Item = 3, Topic = 3, TopicSource = "artists (artists are the items too)", _options = options }
                        : new Layout { Separator = "\t", User = 0, Time = 1, Item = 5, Topic = 3, TopicSource = "artists (tracks are the items)", _options = options };
                default:
                    return new Layout { HasHeader = true, _options = options };
            }
        }

        public void ReadHeader(string line, string file)
        {
            _firstLine = line;
            Separator = _options.Delimiter?.ToString() ?? (line.Contains('\t') ? "\t" : ",");
            _header = line.Split(Separator[0]).Select(h => h.Trim().Trim('"')).ToArray();
            User = Find(_options.UserColumn, UserNames, "user", "--user-col", file, true);
            Item = Find(_options.ItemColumn, ItemNames, "item", "--item-col", file, true);
            Time = Find(_options.TimeColumn, TimeNames, "timestamp", "--time-col", file, true);
            Topic = Find(_options.TopicColumn, TopicNames, "topic", "--topic-col", file, _options.TopicColumn is not null);
            Rating = Find(_options.RatingColumn, RatingNames, "rating", "--rating-col", file, _options.RatingColumn is not null);
            Dwell = Find(_options.DwellColumn, DwellNames, "dwell", "--dwell-col", file, _options.DwellColumn is not null);
            if (Topic >= 0)
            {
                TopicSource = $"column \"{_header[Topic]}\"";
            }
        }

        public string NameOf(int index, int found) =>
            _header.Length > index ? $"\"{_header[index]}\" (column {index + 1})" : $"{index + 1}";

        private int Find(string? named, string[] common, string what, string option, string file, bool required)
        {
            var candidates = named is null ? common : [named];
            for (var i = 0; i < _header.Length; i++)
            {
                if (candidates.Contains(_header[i], StringComparer.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            if (!required)
            {
                return -1;
            }

            var looked = named is null ? $"{what} column (tried {string.Join(", ", common)}); name it with {option}" : $"column \"{named}\" given by {option}";
            throw new LogLineException(file, 1, $"missing column: the header ({string.Join(", ", _header)}) has no {looked}{LogFormatDetector.Hint(_firstLine, LogFormat.Csv)}");
        }

        private static string? FirstGenreFlag(string[] fields)
        {
            var flags = fields.Length - Ml100KGenres.Length;
            for (var g = 0; flags >= 0 && g < Ml100KGenres.Length; g++)
            {
                if (fields[flags + g].Trim() == "1")
                {
                    return Ml100KGenres[g];
                }
            }

            return null;
        }

        /// <summary>Item id to genre from a MovieLens item file (Latin-1, as MovieLens ships it).</summary>
        private static Dictionary<string, string> ReadGenres(string path, string separator, Func<string[], string?> genreOf)
        {
            var genres = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(path, Encoding.Latin1))
            {
                var fields = line.Split(separator);
                if (fields.Length > 1)
                {
                    // An empty genre is kept as empty: the reader pools such items into one "unknown" topic.
                    genres[fields[0].Trim()] = genreOf(fields) ?? string.Empty;
                }
            }

            return genres;
        }
    }
}
