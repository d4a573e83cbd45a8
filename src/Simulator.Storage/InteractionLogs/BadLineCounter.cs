namespace Simulator.Storage.InteractionLogs;

/// <summary>Applies --skip-bad: counts bad lines up to the tolerance, then fails on the next one.</summary>
internal sealed class BadLineCounter(string file, long tolerance)
{
    public long Skipped { get; private set; }

    public string? First { get; private set; }

    public void Report(long line, string problem)
    {
        if (Skipped >= tolerance)
        {
            var hint = tolerance == 0 ? " (use --skip-bad N to skip up to N bad lines)" : $" (more than --skip-bad {tolerance} bad lines)";
            throw new LogLineException(file, line, problem + hint);
        }

        Skipped++;
        First ??= $"{file}:{line}: {problem}";
    }
}
