namespace Simulator.Cluster.Grains;

/// <summary>Grain keys of a seed split over shards.</summary>
public static class ShardKeys
{
    private const string SeedSeparator = "/seed";

    /// <summary>The exchange grain's key, also the key extension of the seed's shard workers.</summary>
    public static string Of(string runId, int seedIndex) => $"{runId}{SeedSeparator}{seedIndex}";

    /// <summary>The run id (the coordinator's key) of a seed key.</summary>
    public static string RunOf(string seedKey) => seedKey[..seedKey.LastIndexOf(SeedSeparator, StringComparison.Ordinal)];
}
