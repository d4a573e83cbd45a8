using System.Reflection;
using System.Text.RegularExpressions;

namespace Simulator.Tests.Architecture;

/// <summary>
/// Core stays pure; dependencies point one way: Cli -> Gpu/Reporting/Cluster/Storage;
/// Reporting and Cluster -> Storage; everything -> Core. Storage (file formats) draws nothing,
/// computes on no GPU and knows no Orleans.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string[] ForbiddenForCore =
        ["ILGPU", "ScottPlot", "SkiaSharp", "System.Console", "Simulator.Gpu", "Simulator.Reporting", "Simulator.Storage", "Simulator.Cluster", "Simulator.Cli"];

    private static readonly string[] ForbiddenForStorage = ["ILGPU", "ScottPlot", "SkiaSharp", "Orleans", "Microsoft.Orleans"];

    /// <summary>The simulator's own assemblies and which of them each may reference (the CLI's assembly is named "simulator").</summary>
    private static readonly Dictionary<string, string[]> AllowedArrows = new(StringComparer.Ordinal)
    {
        ["Simulator.Core"] = [],
        ["Simulator.Storage"] = ["Simulator.Core"],
        ["Simulator.Gpu"] = ["Simulator.Core"],
        ["Simulator.Reporting"] = ["Simulator.Storage", "Simulator.Core"],
        ["Simulator.Cluster"] = ["Simulator.Storage", "Simulator.Core"],
        ["simulator"] = ["Simulator.Gpu", "Simulator.Reporting", "Simulator.Cluster", "Simulator.Storage", "Simulator.Core"],
    };

    [Fact]
    public void Core_references_no_gpu_plotting_console_or_satellite_assembly()
    {
        var core = typeof(Simulator.Core.Compute.IComputeEngine).Assembly;
        var names = core.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            Assert.DoesNotContain(ForbiddenForCore, f => name.StartsWith(f, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Satellites_do_not_reference_each_other()
    {
        var gpu = Assembly.Load("Simulator.Gpu").GetReferencedAssemblies().Select(a => a.Name).ToList();
        var reporting = typeof(Simulator.Reporting.ConsoleTable).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Simulator.Core", gpu);
        Assert.Contains("Simulator.Core", reporting);
        Assert.DoesNotContain("Simulator.Reporting", gpu);
        Assert.DoesNotContain("Simulator.Cli", gpu);
        Assert.DoesNotContain("Simulator.Gpu", reporting);
        Assert.DoesNotContain("Simulator.Cli", reporting);
    }

    [Fact]
    public void Storage_references_core_only_and_no_plotting_gpu_or_orleans()
    {
        var names = typeof(Simulator.Storage.RunFolders.RunFolderReader).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Simulator.Core", names);
        foreach (var name in names)
        {
            Assert.DoesNotContain(ForbiddenForStorage, f => name.StartsWith(f, StringComparison.Ordinal));
            Assert.False(AllowedArrows.ContainsKey(name) && name != "Simulator.Core", $"Simulator.Storage references {name}; it may reference Simulator.Core only");
        }
    }

    [Fact]
    public void Project_references_follow_the_allowed_arrows()
    {
        foreach (var (assembly, allowed) in AllowedArrows)
        {
            var ours = Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).Where(AllowedArrows.ContainsKey);
            foreach (var target in ours)
            {
                Assert.True(allowed.Contains(target, StringComparer.Ordinal), $"{assembly} references {target}; allowed: {string.Join(", ", allowed)}");
            }
        }
    }

    [Fact]
    public void Core_sources_do_no_file_io_or_console_output()
    {
        var sources = Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot(), "src", "Simulator.Core"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(sources.Count > 10, "expected Core's sources to be found");
        foreach (var file in sources)
        {
            var text = File.ReadAllText(file);
            var match = ForbiddenApi().Match(text);
            Assert.False(match.Success, $"{Path.GetFileName(file)} uses {match.Value}: Core must not do file I/O or console output");
        }
    }

    [GeneratedRegex(@"\b(File|Directory|FileStream|StreamReader|StreamWriter|FileInfo|DirectoryInfo|Console|Path)\s*\.\s*[A-Z]|\bnew\s+(FileStream|StreamReader|StreamWriter)\b|using\s+(ILGPU|ScottPlot)")]
    private static partial Regex ForbiddenApi();
}
