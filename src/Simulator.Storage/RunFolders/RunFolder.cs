namespace Simulator.Storage.RunFolders;

/// <summary>
/// A run folder written atomically: everything goes into a hidden ".partial-*" sibling, which is
/// renamed into place only when complete and deleted on any failure or interruption, so
/// results/ never holds a half-written run folder. Every command that writes a folder (run, report
/// --out, compare, bench) goes through it.
/// </summary>
public sealed class RunFolder : IDisposable
{
    private bool _committed;

    /// <summary>Parent folders this run created (deepest first), removed again if the run fails and they stay empty.</summary>
    private List<string> _createdParents = [];

    private RunFolder(string finalPath, string workingPath)
    {
        FinalPath = finalPath;
        WorkingPath = workingPath;
    }

    /// <summary>Where the folder will be once committed.</summary>
    public string FinalPath { get; }

    /// <summary>Where files are written until commit.</summary>
    public string WorkingPath { get; }

    /// <summary>
    /// Picks the final path (explicit --out, else results/&lt;scenario&gt;/&lt;timestamp&gt;[-n]) and
    /// creates the working folder next to it. An explicit --out must not already hold files
    /// (<see cref="RunFolderException"/>: a user error, like a bad folder to read).
    /// </summary>
    public static RunFolder Create(string? explicitOut, string resultsRoot, string scenarioName, DateTimeOffset now)
    {
        string finalPath;
        if (explicitOut is not null)
        {
            finalPath = Path.GetFullPath(explicitOut);
            if (System.IO.File.Exists(finalPath) || (Directory.Exists(finalPath) && Directory.EnumerateFileSystemEntries(finalPath).Any()))
            {
                throw new RunFolderException($"--out {explicitOut}: the folder already exists and is not empty; choose a new folder so no earlier results are overwritten");
            }
        }
        else
        {
            var parent = Path.GetFullPath(Path.Combine(resultsRoot, scenarioName));
            var stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            finalPath = Path.Combine(parent, stamp);
            for (var n = 2; Directory.Exists(finalPath); n++)
            {
                finalPath = Path.Combine(parent, $"{stamp}-{n}");
            }
        }

        var directory = Path.GetDirectoryName(finalPath)!;
        var created = new List<string>();
        for (var d = directory; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
        {
            created.Add(d);
        }

        Directory.CreateDirectory(directory);
        var working = Path.Combine(directory, $".partial-{Path.GetFileName(finalPath)}-{Environment.ProcessId}");
        Directory.CreateDirectory(working);
        return new RunFolder(finalPath, working) { _createdParents = created };
    }

    public string File(string relative)
    {
        var path = Path.Combine(WorkingPath, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Moves the complete folder into place.</summary>
    public void Commit()
    {
        if (Directory.Exists(FinalPath))
        {
            // An explicit, empty --out folder: replace it.
            Directory.Delete(FinalPath);
        }

        Directory.Move(WorkingPath, FinalPath);
        _committed = true;
    }

    /// <summary>Deletes the working folder unless committed.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        if (Directory.Exists(WorkingPath))
        {
            Directory.Delete(WorkingPath, recursive: true);
        }

        foreach (var parent in _createdParents)
        {
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
    }
}
