using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace Simulator.Cluster.Hosting;

/// <summary>
/// Several real silos (TCP on loopback, development clustering) inside this process: the bench
/// measures localhost coordination with it without starting separate processes.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos = [];

    private InProcessCluster()
    {
    }

    /// <summary>The first (primary) silo's gateway.</summary>
    public IPEndPoint Gateway { get; private set; } = null!;

    public string ClusterId { get; private set; } = string.Empty;

    public static async Task<InProcessCluster> StartAsync(int silos, ISeedEngineSource engines, CancellationToken cancellation)
    {
        var cluster = new InProcessCluster { ClusterId = $"bench-{Guid.NewGuid():N}" };
        try
        {
            IPEndPoint? primary = null;
            for (var i = 0; i < silos; i++)
            {
                var settings = new SiloSettings(FreePort(), FreePort(), primary, IPAddress.Loopback, cluster.ClusterId, $"bench-silo-{i}");
                var host = SiloHosting.Build(settings, engines);
                cluster._silos.Add(host);
                await host.StartAsync(cancellation).ConfigureAwait(false);
                primary ??= settings.PrimaryEndpoint;
                if (i == 0)
                {
                    cluster.Gateway = new IPEndPoint(IPAddress.Loopback, settings.GatewayPort);
                }
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _silos.Count - 1; i >= 0; i--)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _silos[i].StopAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A silo that does not stop in time is disposed anyway.
            }

            _silos[i].Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
