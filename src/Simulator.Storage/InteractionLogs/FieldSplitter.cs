namespace Simulator.Storage.InteractionLogs;

/// <summary>Splits a line into field ranges without allocating; double quotes around a field are honoured and stripped.</summary>
internal static class FieldSplitter
{
    /// <summary>Fills <paramref name="fields"/> and returns how many there are (at most its length).</summary>
    public static int Split(ReadOnlySpan<char> line, string separator, Span<Range> fields)
    {
        if (separator.Length == 1 && line.Contains('"'))
        {
            return SplitQuoted(line, separator[0], fields);
        }

        return separator.Length == 1 ? line.Split(fields, separator[0]) : line.Split(fields, separator);
    }

    private static int SplitQuoted(ReadOnlySpan<char> line, char separator, Span<Range> fields)
    {
        var count = 0;
        var i = 0;
        while (count < fields.Length)
        {
            int start, end;
            if (i < line.Length && line[i] == '"')
            {
                start = i + 1;
                var close = line[start..].IndexOf('"');
                end = close < 0 ? line.Length : start + close;
                i = end + 1;
                var next = i < line.Length ? line[i..].IndexOf(separator) : -1;
                i = next < 0 ? line.Length : i + next;
            }
            else
            {
                start = i;
                var next = line[i..].IndexOf(separator);
                end = next < 0 ? line.Length : i + next;
                i = end;
            }

            fields[count++] = new Range(start, end);
            if (i >= line.Length)
            {
                break;
            }

            i++;
        }

        return count;
    }
}
