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

    public static LogReadResult Read(string path, LogReadOptions options)
    {
        var format = options.Format ?? LogFormatDetector.Detect(FirstLine(path));
        if (format == LogFormat.Export)
        {
            return ExportReader.Read(path, options);
        }

        var users = new IdTable();
        var items = new IdTable();
        var topics = new IdTable();
        var notes = new List<string>();
        var file = Path.GetFileName(path);
        var bad = new BadLineCounter(file, options.SkipBad);
        var layout = Layout.For(format, path, options, notes);
        var genres = layout.ItemGenres;
        var log = new InteractionLog { HasImpressions = false };
        var historyOfUser = new List<int>();
        var rows = new List<(int History, int Topic, double Seconds)>();
        long lineNumber = 0;
        long lines = 0;
        long filtered = 0;
        Span<Range> fields = stackalloc Range[64];
        using var reader = new StreamReader(path, Encoding.UTF8, true, 1 << 16);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
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

            if (!PassesThresholds(span, fields, layout, options, lineNumber, bad, out var keep))
            {
                continue;
            }

            if (!keep)
            {
                filtered++;
                continue;
            }

            var user = users[userText];
            if (user == historyOfUser.Count)
            {
                historyOfUser.Add(log.AddHistory(user));
            }

            var item = items[itemText];
            int topic;
            if (layout.Topic >= 0)
            {
                topic = topics[span[fields[layout.Topic]].Trim()];
            }
            else if (genres is not null && genres.TryGetValue(items.Names[item], out var genre))
            {
                topic = topics[genre];
            }
            else
            {
                topic = topics[itemText];
            }

            rows.Add((historyOfUser[user], topic, seconds));
        }

        if (lines == 0)
        {
            throw new LogLineException(file, Math.Max(1, lineNumber), "the log has no data lines");
        }

        var first = rows.Count > 0 ? rows.Min(r => r.Seconds) : 0;
        foreach (var (history, topic, seconds) in rows)
        {
            log.Add(history, topic, (seconds - first) / options.UnitSeconds, -1, true);
        }

        if (filtered > 0)
        {
            notes.Add($"{filtered} row(s) below --min-rating/--min-dwell were not counted as engagements");
        }

        return new LogReadResult(log, format, lines, bad.Skipped, bad.First, topics.Names, layout.TopicSource, UnitName(options.UnitSeconds), 1, notes, users.Names);
    }

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

    private static bool PassesThresholds(ReadOnlySpan<char> span, Span<Range> fields, Layout layout, LogReadOptions options, long lineNumber, BadLineCounter bad, out bool keep)
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
        }

        return true;
    }

    /// <summary>Column positions and topic source of one layout.</summary>
    private sealed class Layout
    {
        private string[] _header = [];
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
                    var genres = File.Exists(movies) ? ReadGenres(movies, "::", f => f.Length >= 3 ? f[2].Split('|')[0] : null) : null;
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

            var looked = named is null ? $"a {what} column (tried {string.Join(", ", common)}); name it with {option}" : $"column \"{named}\" given by {option}";
            throw new LogLineException(file, 1, $"missing column: the header ({string.Join(", ", _header)}) has no {looked}");
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
                if (fields.Length > 1 && genreOf(fields) is { Length: > 0 } genre)
                {
                    genres[fields[0].Trim()] = genre;
                }
            }

            return genres;
        }
    }
}
