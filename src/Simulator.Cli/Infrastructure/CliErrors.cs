namespace Simulator.Cli.Infrastructure;

/// <summary>Process exit codes, documented in --help and the README.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int InvalidInput = 2;

    /// <summary>`fit`: the log does not identify the forgetting curve; nothing was written (unless --force).</summary>
    public const int NotIdentified = 3;
    public const int Interrupted = 130;
}

/// <summary>A user error (bad argument, bad file): printed without a stack trace, exit code 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
