using System.Globalization;

namespace Simulator.Storage.InteractionLogs;

/// <summary>How a log writes its timestamps.</summary>
public enum TimestampFormat
{
    /// <summary>Numbers above 10^11 are milliseconds, other numbers seconds, anything else ISO-8601.</summary>
    Auto,
    Seconds,
    Milliseconds,
    Iso,
}

/// <summary>Parses timestamps to seconds since the Unix epoch without allocating.</summary>
internal static class TimestampParser
{
    /// <summary>Unix seconds above this are taken for milliseconds in auto mode (10^11 s is the year 5138).</summary>
    private const double MillisecondThreshold = 1e11;

    public static bool TryParse(ReadOnlySpan<char> text, TimestampFormat format, out double seconds)
    {
        text = text.Trim();
        if (format != TimestampFormat.Iso && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            seconds = format == TimestampFormat.Milliseconds || (format == TimestampFormat.Auto && Math.Abs(number) > MillisecondThreshold) ? number / 1000 : number;
            return true;
        }

        if (format is TimestampFormat.Iso or TimestampFormat.Auto
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
        {
            seconds = (when - DateTimeOffset.UnixEpoch).TotalSeconds;
            return true;
        }

        seconds = 0;
        return false;
    }

    /// <summary>True for text like 2009-05-04T23:08:57Z (used to recognise Last.fm logs).</summary>
    public static bool LooksLikeIso(string text) =>
        text.Length >= 10 && text[4] == '-' && text[7] == '-' && TryParse(text, TimestampFormat.Iso, out _);

    public static string Describe(TimestampFormat format) => format switch
    {
        TimestampFormat.Seconds => "unix seconds",
        TimestampFormat.Milliseconds => "unix milliseconds",
        TimestampFormat.Iso => "an ISO-8601 date and time",
        _ => "unix seconds, unix milliseconds or ISO-8601",
    };
}
