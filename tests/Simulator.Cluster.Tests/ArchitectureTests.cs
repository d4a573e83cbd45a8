using System.Reflection;

namespace Simulator.Cluster.Tests;

/// <summary>Dependencies point one way: Core knows nothing of Orleans or the cluster; the cluster knows only Core.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void CoreReferencesNeitherOrleansNorTheCluster()
    {
        var core = typeof(Core.Scenarios.Scenario).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();
        Assert.DoesNotContain(core, n => n.StartsWith("Orleans", StringComparison.Ordinal) || n == "Simulator.Cluster");
    }

    [Fact]
    public void ClusterReferencesNoOtherSatellite()
    {
        var cluster = typeof(ClusterRunDriver).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Simulator.Core", cluster);
        Assert.DoesNotContain("Simulator.Gpu", cluster);
        Assert.DoesNotContain("Simulator.Reporting", cluster);
        Assert.DoesNotContain("simulator", cluster);
        Assert.DoesNotContain("ILGPU", cluster);
    }
}
