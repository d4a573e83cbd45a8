using Simulator.Cli.Infrastructure;
using Simulator.Cli.Plugins;

namespace Simulator.Cli.Commands;

/// <summary>`simulator new-strategy NAME`: scaffold a buildable strategy plugin with tests and a scenario.</summary>
public static class NewStrategyCommand
{
    public const string Help = """
        simulator new-strategy <Name> [--out DIR]

        Writes a strategy plugin project into DIR (default: ./<Name>): src/<Name>.csproj with a
        working decayed-history ranker (src/DecayedHistory.cs), tests/ with xunit tests,
        <Name>.slnx, and scenario.json, which runs the plugin beside random and the built-in
        decay-history. The projects reference this simulator's Simulator.Core.dll. Then:
          cd <Name> && dotnet build && simulator run scenario.json
        <Name> is a C# identifier (letters, digits, '_'; a letter first). The rules a strategy
        follows are in docs/strategies.md.

        Options:
          --out DIR    the folder to write (must not exist or be empty)

        Examples:
          simulator new-strategy Demo
          simulator new-strategy MyRanker --out plugins/MyRanker
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout)
    {
        var outDir = args.String("out");
        args.Finish(1);
        if (args.Positionals.Count == 0)
        {
            throw new UsageException("new-strategy needs a name, e.g. simulator new-strategy Demo");
        }

        var name = args.Positionals[0];
        if (!StrategyScaffold.IsValidName(name))
        {
            throw new UsageException($"new-strategy {name}: expected a C# identifier (letters, digits, '_'; a letter first; at most 64), e.g. MyRanker");
        }

        var directory = Path.GetFullPath(outDir ?? name);
        if (File.Exists(directory) || (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any()))
        {
            throw new UsageException($"--out {directory}: exists and is not an empty folder; expected a new or empty folder");
        }

        var files = StrategyScaffold.Files(name, StrategyScaffold.CoreAssemblyPath);
        foreach (var (relative, text) in files)
        {
            var path = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        }

        stdout.WriteLine($"wrote {files.Count} files: a strategy plugin {name} (src/DecayedHistory.cs), its tests and scenario.json");
        stdout.WriteLine($"next: cd {directory} && dotnet build && simulator run scenario.json");
        stdout.WriteLine(directory);
        return ExitCodes.Success;
    }
}
