namespace Simulator.Storage.RunFolders;

/// <summary>
/// A run folder that cannot be created or read back: the output folder is taken, or a file is
/// missing or malformed. The message names the folder or file (and the line, for metrics.csv) so
/// the user can fix or regenerate it.
/// </summary>
public sealed class RunFolderException : Exception
{
    public RunFolderException()
    {
    }

    public RunFolderException(string message)
        : base(message)
    {
    }

    public RunFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
