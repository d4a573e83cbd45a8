namespace Simulator.Storage.InteractionLogs;

/// <summary>Applies --skip-bad: counts bad lines up to the tolerance, then fails on the next one.</summary>
internal sealed class BadLineCounter(string file, long tolerance, string layout)
{
    public long Skipped { get; private set; }

    public string? First { get; private set; }

    /// <summary>Lines read without a problem so far (the reader counts them).</summary>
    public long Good { get; set; }

    public void Report(long line, string problem)
    {
        if (Skipped >= tolerance)
        {
            // When nothing has been read yet, skipping lines is unlikely to help: the layout is the
            // usual cause, so the hint names it instead of --skip-bad.
            var hint = Good == 0 && Skipped == 0
                ? $" (no line of the log has been read yet, so the layout is the likely problem: it was read as {layout}; check --format, --delimiter and --time-format)"
                : tolerance == 0 ? " (use --skip-bad N to skip up to N bad lines)" : $" (more than --skip-bad {tolerance} bad lines)";
            throw new LogLineException(file, line, problem + hint);
        }

        Skipped++;
        First ??= $"{file}:{line}: {problem}";
    }

    /// <summary>Fails when every data line was bad (skipped under --skip-bad): the layout, not a few lines, is wrong.</summary>
    public void FailIfNothingRead(long lines)
    {
        if (lines > 0 && Good == 0)
        {
            throw new LogLineException(file, 1, $"every data line was bad ({Skipped} skipped; first: {First}): the log was read as {layout}; check --format, --delimiter and --time-format");
        }
    }
}
