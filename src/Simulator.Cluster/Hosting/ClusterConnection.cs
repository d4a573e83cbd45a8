using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Simulator.Cluster.Hosting;

/// <summary>A connected cluster client and the host that owns it; disposing disconnects.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, string gateway)
    {
        _host = host;
        Gateway = gateway;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    /// <summary>The gateway as the user gave it, for messages.</summary>
    public string Gateway { get; }

    /// <summary>Connects to one gateway (static gateway list); fails with a clear message when none answers in time.</summary>
    public static async Task<ClusterConnection> ConnectAsync(EndPoint gateway, string clusterId, TimeSpan timeout, CancellationToken cancellation)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client => client
                .UseStaticClustering(gateway is IPEndPoint ip ? ip : Resolve((DnsEndPoint)gateway))
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = clusterId;
                })
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30)))
            .Build();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(timeout);
            await host.StartAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            host.Dispose();
            throw new ClusterRunException(
                $"no cluster gateway answered at {gateway} within {timeout.TotalSeconds:F0} s; start a silo with `simulator silo --gateway {Port(gateway)} ...` or check --cluster and --cluster-id");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterRunException($"cannot connect to the cluster gateway {gateway}: {FailureText.Brief(e)}");
        }

        return new ClusterConnection(host, gateway.ToString() ?? string.Empty);
    }

    private static int Port(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => 0,
    };

    private static IPEndPoint Resolve(DnsEndPoint endpoint)
    {
        var addresses = Dns.GetHostAddresses(endpoint.Host);
        var address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.First();
        return new IPEndPoint(address, endpoint.Port);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A client whose gateway is gone cannot close politely; it is abandoned.
        }

        _host.Dispose();
    }
}
