namespace Simulator.Storage.InteractionLogs;

/// <summary>
/// How to read a log. Column names apply to the generic CSV/TSV layout; null means "try the
/// common names" (see <see cref="InteractionLogReader"/>).
/// </summary>
public sealed record LogReadOptions
{
    /// <summary>Null: recognise the layout from the first line.</summary>
    public LogFormat? Format { get; init; }

    /// <summary>Field separator of a generic CSV/TSV; null: tab when the header has one, else comma.</summary>
    public char? Delimiter { get; init; }

    public string? UserColumn { get; init; }

    public string? ItemColumn { get; init; }

    public string? TimeColumn { get; init; }

    public string? TopicColumn { get; init; }

    public string? RatingColumn { get; init; }

    public string? DwellColumn { get; init; }

    /// <summary>Rows rated below this are not engagements (skipped, not errors).</summary>
    public double? MinRating { get; init; }

    /// <summary>Rows with a dwell below this are not engagements.</summary>
    public double? MinDwell { get; init; }

    public TimestampFormat TimeFormat { get; init; } = TimestampFormat.Auto;

    /// <summary>Seconds per fitted time unit for timestamped logs (86400: curves in days).</summary>
    public double UnitSeconds { get; init; } = 86400;

    /// <summary>Bad lines tolerated (skipped and counted) before reading fails.</summary>
    public long SkipBad { get; init; }

    /// <summary>Last.fm logs: true makes the artist the item (and topic); false keeps tracks as items, artists as topics.</summary>
    public bool ArtistAsItem { get; init; }
}
