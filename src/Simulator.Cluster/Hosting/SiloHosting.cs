using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Simulator.Cluster.Hosting;

/// <summary>Builds a silo host with development clustering (membership in the primary silo's memory).</summary>
public static class SiloHosting
{
    public static IHost Build(SiloSettings settings, ISeedEngineSource engines, LogLevel logLevel = LogLevel.Warning, ILoggerProvider? log = null) =>
        new HostBuilder()
            .ConfigureLogging(l =>
            {
                l.SetMinimumLevel(logLevel);
                if (log is not null)
                {
                    l.AddProvider(log);
                }
            })
            .UseOrleans(silo => silo
                .UseDevelopmentClustering(settings.PrimaryEndpoint)
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = settings.ClusterId;
                    o.ServiceId = settings.ClusterId;
                })
                .Configure<SiloOptions>(o => o.SiloName = settings.Name)
                .ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true)
                .AddSimulator(engines))
            .Build();
}
