using System.Reflection;

namespace Simulator.Tests.Architecture;

/// <summary>Dependencies point one way (Cli -> satellites -> Core); what Core may call is checked in <see cref="CorePurityTests"/>.</summary>
public sealed class ArchitectureTests
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
}
