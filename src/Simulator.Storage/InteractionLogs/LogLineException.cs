namespace Simulator.Storage.InteractionLogs;

/// <summary>A bad line in a log: names the file and 1-based line number, what was found and what was expected.</summary>
public sealed class LogLineException : Exception
{
    public LogLineException()
    {
    }

    public LogLineException(string message)
        : base(message)
    {
    }

    public LogLineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LogLineException(string file, long line, string problem)
        : base($"{file}:{line}: {problem}")
    {
        File = file;
        Line = line;
    }

    public string File { get; } = string.Empty;

    public long Line { get; }
}
