namespace Simulator.Storage.RunFolders;

/// <summary>
/// Opens the files of a run folder for the readers: a missing or unreadable file becomes a
/// <see cref="RunFolderException"/> that names it and the files a run folder needs.
/// </summary>
internal static class RunFileAccess
{
    public static string ReadText(string path)
    {
        if (!File.Exists(path))
        {
            throw Missing(path);
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"{path}: cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Streams the file's lines into <paramref name="parse"/>, for files too large to hold as one string.</summary>
    public static T ParseLines<T>(string path, Func<IEnumerable<string>, T> parse)
    {
        if (!File.Exists(path))
        {
            throw Missing(path);
        }

        try
        {
            return parse(File.ReadLines(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"{path}: cannot be read: {e.Message}", e);
        }
    }

    private static RunFolderException Missing(string path) =>
        new($"{path}: missing; a run folder needs {RunFileNames.Scenario}, {RunFileNames.Summary}, {RunFileNames.Metrics} and {RunFileNames.Environment}");
}
