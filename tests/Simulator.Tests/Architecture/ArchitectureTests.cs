using System.Reflection;
using System.Text.RegularExpressions;

namespace Simulator.Tests.Architecture;

/// <summary>Core stays pure; dependencies point one way (Cli -> Gpu/Reporting -> Core).</summary>
public sealed partial class ArchitectureTests
{
    private static readonly string[] ForbiddenForCore = ["ILGPU", "ScottPlot", "SkiaSharp", "System.Console", "Simulator.Gpu", "Simulator.Reporting", "Simulator.Cli"];

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
