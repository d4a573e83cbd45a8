using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Bytes a scenario needs while one seed runs (seeds run one after another): shared population
/// and catalog once, plus one world per strategy, plus strategy state. Used to refuse runs that
/// would not fit before anything is allocated.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>Per-user bytes of strategy state beyond the world (the largest: a d-vector and k scores).</summary>
    private static long StrategyBytesPerUser(string name, int dim, int k) => name switch
    {
        "ema" => (4L * dim) + (4L * k),
        _ => 0L,
    };

    /// <summary>Per world: satiation level and effective interest [N x d] when on; clicks and two offset columns [M] with aging or social proof.</summary>
    private static long WorldDynamicsBytes(Scenario s) =>
        (s.Satiation.IsOn ? 2L * 4 * s.Population.Users * s.Dim : 0L) + (s.Catalog.Dynamics.ChangesUtility ? 16L * s.Catalog.Items : 0L);

    public static long Bytes(Scenario s)
    {
        long n = s.Population.Users;
        long d = s.Dim;
        long m = s.Catalog.Items;
        var population = n * ((d * 4 * 3) + 4 + 4 + 1 + Population.TraitBytesPerUser);
        var catalog = m * ((d * 4) + 4 + 4 + 4);
        var worlds = s.Strategies.Sum(x => n * (WorldState.BytesPerUser(s.Dim, s.SlateSize) + StrategyBytesPerUser(x.Name, s.Dim, s.SlateSize)));
        worlds += s.Strategies.Count * WorldDynamicsBytes(s);
        var series = (long)s.Strategies.Count * s.SeedCount * s.Ticks * s.Metrics.Count * 8;

        // Exposure counts for coverage, gini and novelty: per world, three [M] arrays plus one per
        // shard while that stays under ExposureTally's cap (8 bytes a count).
        var shardCounts = Math.Min((long)s.Shards * m, Metrics.ExposureTally.MaxShardCounts);
        var exposure = s.Strategies.Count * ((3 * m) + shardCounts) * 8;

        // 20% headroom for scratch buffers, the runtime and transient arrays.
        return (long)((population + catalog + worlds + series + exposure) * 1.2);
    }
}
