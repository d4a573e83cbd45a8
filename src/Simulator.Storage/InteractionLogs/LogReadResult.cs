using Simulator.Core.Fitting;

namespace Simulator.Storage.InteractionLogs;

/// <summary>A read log with what the summary reports about reading it.</summary>
/// <param name="Log">The rows.</param>
/// <param name="Format">The layout that was read.</param>
/// <param name="Lines">Data lines read (header excluded).</param>
/// <param name="Skipped">Bad lines skipped under --skip-bad.</param>
/// <param name="FirstSkipped">The first skipped line's error, for the summary.</param>
/// <param name="Topics">Topic names by id.</param>
/// <param name="TopicSource">Where topics came from (a column, genres, artists, or items when the log has none).</param>
/// <param name="UnitName">The time unit of fitted parameters (days, ticks, ...).</param>
/// <param name="TickLength">Time units per tick of a simulator export (1 for real logs).</param>
/// <param name="Notes">Anything else worth saying (ignored rows, fallbacks).</param>
/// <param name="UserNames">The log's user ids by the fitter's dense user index (an export's are "seed:user").</param>
public sealed record LogReadResult(
    InteractionLog Log,
    LogFormat Format,
    long Lines,
    long Skipped,
    string? FirstSkipped,
    IReadOnlyList<string> Topics,
    string TopicSource,
    string UnitName,
    double TickLength,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> UserNames)
{
    /// <summary>Problems the plausibility checks found that do not stop the fit (each names its threshold); printed as WARNING lines.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>What the plausibility checks looked at and found, one line each, for the summary.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>Changes made to the log's own structure that a calibrated scenario must state (e.g. movies without a genre pooled into one topic).</summary>
    public IReadOnlyList<string> Adjustments { get; init; } = [];
}
