namespace Simulator.Storage.InteractionLogs;

/// <summary>The log layouts <c>simulator fit</c> reads.</summary>
public enum LogFormat
{
    /// <summary>Comma- or tab-separated with a header row; columns named by options or common names.</summary>
    Csv,

    /// <summary>MovieLens 1M/10M ratings.dat: user::item::rating::timestamp, no header.</summary>
    MovieLens,

    /// <summary>MovieLens 100K u.data: user, item, rating, timestamp separated by tabs, no header.</summary>
    MovieLens100K,

    /// <summary>Last.fm 1K listening log: user, ISO timestamp, artist id, artist, track id, track (tabs, no header).</summary>
    LastFm,

    /// <summary>The simulator's own export: interactions.csv (impressions) with items.csv beside it.</summary>
    Export,
}

/// <summary>Recognises a log's layout from its first line (and, for folders, the export's files).</summary>
public static class LogFormatDetector
{
    public static readonly IReadOnlyDictionary<string, LogFormat?> Names = new Dictionary<string, LogFormat?>(StringComparer.Ordinal)
    {
        ["auto"] = null,
        ["csv"] = LogFormat.Csv,
        ["tsv"] = LogFormat.Csv,
        ["movielens"] = LogFormat.MovieLens,
        ["movielens-100k"] = LogFormat.MovieLens100K,
        ["lastfm"] = LogFormat.LastFm,
        ["export"] = LogFormat.Export,
    };

    /// <summary>The layout in words, for messages ("a MovieLens ratings.dat (user::item::rating::timestamp)").</summary>
    public static string Describe(LogFormat format) => format switch
    {
        LogFormat.Csv => "a CSV/TSV with a header row",
        LogFormat.MovieLens => "a MovieLens ratings.dat (user::item::rating::timestamp)",
        LogFormat.MovieLens100K => "a MovieLens 100K u.data (user, item, rating, timestamp; tabs)",
        LogFormat.LastFm => "a Last.fm listening log (user, ISO time, artist id, artist, track id, track; tabs)",
        _ => "a simulator export (interactions.csv with items.csv beside it)",
    };

    /// <summary>The --format name of a layout.</summary>
    public static string NameOf(LogFormat format) => format switch
    {
        LogFormat.Csv => "csv",
        LogFormat.MovieLens => "movielens",
        LogFormat.MovieLens100K => "movielens-100k",
        LogFormat.LastFm => "lastfm",
        _ => "export",
    };

    /// <summary>
    /// A hint for an error when a log was read as <paramref name="used"/> but its first line looks
    /// like another layout ("; its first line looks like a MovieLens ratings.dat: ..."), or empty.
    /// </summary>
    public static string Hint(string firstLine, LogFormat used)
    {
        var looks = Detect(firstLine);
        return looks == used || looks == LogFormat.Csv
            ? string.Empty
            : $"; its first line looks like {Describe(looks)}: pass --format {NameOf(looks)} or leave --format out";
    }

    public static LogFormat Detect(string firstLine)
    {
        if (firstLine.Contains("::", StringComparison.Ordinal))
        {
            return LogFormat.MovieLens;
        }

        var header = firstLine.Split(',');
        if (header.Length >= 8 && new[] { "seed", "strategy", "tick", "user", "position", "item" }.All(c => header.Contains(c, StringComparer.Ordinal)))
        {
            return LogFormat.Export;
        }

        var tabs = firstLine.Split('\t');
        if (tabs.Length == 4 && tabs.All(f => long.TryParse(f, out _)))
        {
            return LogFormat.MovieLens100K;
        }

        if (tabs.Length >= 4 && TimestampParser.LooksLikeIso(tabs[1]))
        {
            return LogFormat.LastFm;
        }

        return LogFormat.Csv;
    }
}
