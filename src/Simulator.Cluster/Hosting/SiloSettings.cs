using System.Net;

namespace Simulator.Cluster.Hosting;

/// <summary>
/// One silo process: its silo-to-silo port, its client gateway port, the address it advertises,
/// and the primary silo whose in-memory table holds the membership (development clustering).
/// A silo without a primary is the primary itself.
/// </summary>
public sealed record SiloSettings(
    int SiloPort,
    int GatewayPort,
    IPEndPoint? Primary,
    IPAddress AdvertisedAddress,
    string ClusterId,
    string Name)
{
    public const string DefaultClusterId = "simulator";

    /// <summary>The primary's silo endpoint: the configured one, or this silo's own.</summary>
    public IPEndPoint PrimaryEndpoint => Primary ?? new IPEndPoint(AdvertisedAddress, SiloPort);
}
