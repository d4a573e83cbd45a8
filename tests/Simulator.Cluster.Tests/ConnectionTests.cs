using System.Net;
using Simulator.Cluster.Hosting;

namespace Simulator.Cluster.Tests;

/// <summary>A driver pointed at a port where no silo listens fails within its timeout, with a message that says what to do.</summary>
public sealed class ConnectionTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task No_gateway_fails_within_the_timeout_naming_the_gateway()
    {
        var gateway = new IPEndPoint(IPAddress.Loopback, 1);

        var error = await Assert.ThrowsAsync<ClusterRunException>(() =>
            ClusterConnection.ConnectAsync(gateway, "simulator", TimeSpan.FromSeconds(2), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("simulator silo --gateway 1", error.Message, StringComparison.Ordinal);
    }
}
