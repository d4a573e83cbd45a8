using System.Reflection;

namespace Simulator.Tests.Architecture;

/// <summary>
/// Dependencies point one way: Cli -> Gpu/Reporting/Cluster/Storage; Cluster (and Reporting, were
/// it to need it) -> Storage; everything -> Core. Storage (file formats) draws nothing, computes on
/// no GPU and knows no Orleans. What Core may call is checked in <see cref="CorePurityTests"/>.
/// </summary>
public sealed class ArchitectureTests
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
}
