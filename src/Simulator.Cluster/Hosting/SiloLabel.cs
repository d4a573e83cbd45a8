using Orleans.Runtime;

namespace Simulator.Cluster.Hosting;

/// <summary>How a silo is named in messages: "name (host:port)", so a user can tell which process to look at.</summary>
public static class SiloLabel
{
    public static string Of(ILocalSiloDetails silo) => Of(silo.Name, silo.SiloAddress);

    public static string Of(string name, SiloAddress address) => $"{name} ({address.Endpoint})";
}
