using System.Reflection;

namespace Simulator.Cluster.Tests;

/// <summary>
/// Dependencies point one way: Core knows nothing of Orleans or the cluster; the cluster knows only
/// Core and Storage (whose checkpoint format its workers write); Storage knows nothing of Orleans.
/// </summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void Core_references_neither_orleans_nor_the_cluster()
    {
        var core = typeof(Core.Scenarios.Scenario).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();
        Assert.DoesNotContain(core, n => n.StartsWith("Orleans", StringComparison.Ordinal) || n == "Simulator.Cluster");
    }

    [Fact]
    public void Cluster_references_no_other_satellite()
    {
        var cluster = typeof(ClusterRunDriver).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Simulator.Core", cluster);
        Assert.Contains("Simulator.Storage", cluster);
        Assert.DoesNotContain("Simulator.Gpu", cluster);
        Assert.DoesNotContain("Simulator.Reporting", cluster);
        Assert.DoesNotContain("simulator", cluster);
        Assert.DoesNotContain("ILGPU", cluster);
    }

    [Fact]
    public void Storage_references_neither_orleans_nor_the_cluster()
    {
        var storage = typeof(Storage.Checkpoints.CheckpointFile).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();
        Assert.DoesNotContain(storage, n => n.StartsWith("Orleans", StringComparison.Ordinal) || n.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || n == "Simulator.Cluster");
    }
}
