using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Simulator.Cluster.Placement;

namespace Simulator.Cluster.Hosting;

/// <summary>
/// What every simulator silo needs, whoever hosts it (the `silo` command, the bench's in-process
/// cluster, the TestingHost): the slot placement director, the engine source, serialisation of
/// the simulator's own exceptions, and failure detection fast enough that a killed silo is
/// declared dead within seconds, not the default half minute or more, so a driver can report it
/// well inside its 30 s bound. Tick checkpoints need nothing here: the workers write Storage's
/// checkpoint files themselves.
/// </summary>
public static class SiloConfiguration
{
    public static ISiloBuilder AddSimulator(this ISiloBuilder builder, ISeedEngineSource engines)
    {
        builder.Services.AddSingleton(engines);
        builder.Services.AddPlacementDirector<SiloSlotPlacement, SiloSlotPlacementDirector>();
        builder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        builder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));

        // Orleans serialises exceptions only from System/Microsoft/Orleans namespaces by default; a seed
        // that fails with one of ours (a damaged checkpoint, a numerical guard) would reach the
        // coordinator as "CodecNotFoundException" instead of its message, which names file or column.
        builder.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Simulator"));
        return builder;
    }
}
