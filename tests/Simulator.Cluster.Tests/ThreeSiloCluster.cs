using Orleans.Hosting;
using Orleans.TestingHost;
using Simulator.Cluster.Hosting;
using Simulator.Core.Compute;

namespace Simulator.Cluster.Tests;

/// <summary>Configures TestingHost silos exactly as the `silo` command does, with a one-thread CPU engine.</summary>
public sealed class SimulatorSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddSimulator(new SeedEngineSource(() => new CpuEngine(1)));
}

/// <summary>An in-process three-silo cluster (TestingHost) on the given transport.</summary>
public static class ThreeSiloCluster
{
    public static async Task<TestCluster> StartAsync(ConnectionTransportType transport)
    {
        var builder = new TestClusterBuilder(3);
        builder.Options.ConnectionTransport = transport;
        builder.AddSiloBuilderConfigurator<SimulatorSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>One in-memory three-silo cluster shared by the tests of a collection (starting one costs seconds).</summary>
public sealed class InMemoryClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ThreeSiloCluster.StartAsync(ConnectionTransportType.InMemory);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The tests that share one in-memory cluster; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class InMemoryClusterCollection : ICollectionFixture<InMemoryClusterFixture>
{
    public const string Name = "in-memory three-silo cluster";
}
