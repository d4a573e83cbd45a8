using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Bytes a scenario needs while one seed runs (seeds run one after another): shared population
/// and catalog once, plus one world per strategy, plus each strategy's own state. Used to refuse
/// runs that would not fit before anything is allocated: <see cref="Bytes"/> on the host,
/// <see cref="DeviceBytes"/> for the columns an accelerator mirrors.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>20% headroom for scratch buffers, the runtime and transient arrays.</summary>
    private const double Headroom = 1.2;

    /// <summary>Per world: satiation level and effective interest [N x d] when on; clicks and two offset columns [M] with aging or social proof.</summary>
    private static long WorldDynamicsBytes(Scenario s) =>
        (s.Satiation.IsOn ? 2L * 4 * s.Population.Users * s.Dim : 0L) + (s.Catalog.Dynamics.ChangesUtility ? 16L * s.Catalog.Items : 0L);

    /// <summary>Host bytes of one strategy's own state (what its constructor allocates), by the formulas of its class.</summary>
    public static long StrategyBytes(StrategySpec spec, long users, int dim, int k, long items) =>
        OwnBytes(spec, users, dim, k, items) + ExplorationBytes(spec, users, dim, items);

    /// <summary>The exploration slots' last-click ticks [N x d] and per-topic item lists, when <c>explore</c> &gt; 0.</summary>
    private static long ExplorationBytes(StrategySpec spec, long users, int dim, long items) =>
        Parameter(spec, StrategyCatalog.ExploreParameter.Name, 0) > 0 ? (users * SlateExploration.BytesPerUser(dim)) + (items * 4) : 0;

    private static long OwnBytes(StrategySpec spec, long users, int dim, int k, long items)
    {
        // A user-vector scorer's own vectors; its top-k scores, and the vectors of strategies that
        // rebuild them in every Recommend, are the seed's shared scratch (ScratchBytesPerUser).
        var scorer = users * 4L * dim;
        return spec.Name switch
        {
            "random" or "oracle" => 0L,
            "popularity" => items * 8,
            "recent-popularity" => items * 8,
            "d-ts" => items * 16,
            "d-ucb" => items * 17,
            "sw-ucb" => ((2L * (long)Parameter(spec, "window", 20)) + 2) * items * 8,
            "ema" or "decay-history" or "oracle-frozen" => scorer,
            "sliding-window" => scorer + (users * 4 * ((long)Parameter(spec, "window", 10) + 1)),

            // The last Memory clicks (tick and topic), the click count and the fixed noise vector.
            "actr" => users * ((ActrStrategy.Memory * 8L) + 4 + (4L * dim)),
            "oracle-lagged" => ((long)Parameter(spec, "lag", 5) + 1) * users * dim * 4,

            // Behaviour (strength, log-dwell, last engagement and clicks per topic [N x d] each, clicks
            // [N]) and the per-user alpha fit: the likelihood grid (alpha x no-click grid, floats), its
            // evidence count, the alpha, the dwell sums (alpha x 3) and, for mlp-forgetting, the
            // reported alpha. Features, network output, estimate and cold-start vectors are shared scratch.
            "mlp-forgetting" or "mlp-static" =>
                (users * ((16L * dim) + 4)) + (users * ((4L * Strategies.Learned.AlphaGridFit.GridSize * (Strategies.Learned.AlphaGridFit.NoClickGridSize + Strategies.Learned.DwellEvidence.Stats)) + 4 + 4 + (spec.Name == "mlp-forgetting" ? 4 : 0))),

            // One alpha for all users: no per-user likelihood grid or dwell sums.
            "mlp-global-alpha" => users * ((16L * dim) + 4),

            // Co-occurrence [M x M], counts and norms [M], and the last History clicks (item and tick) and click count per user.
            "itemknn-decay" => (items * items * 4) + (items * 8) + (users * ((Strategies.ItemKnnDecayStrategy.History * 8L) + 4)),
            "mf" or "mf-forgetting" => (users + items) * (long)Parameter(spec, "factors", 16) * 4,

            // Contexts and theta (.) v [N x d] each; the candidate pool (item, mean score) and the
            // weighted contexts are scratch of one block of users, whatever the population.
            "linucb" => (users * 4L * dim) + (Strategies.LinUcbStrategy.BlockUsers * ((4L * dim) + (8L * Strategies.LinUcbStrategy.Candidates(k)))),

            "gru4rec" or "time-lstm" or "sasrec" or "tisasrec" => Strategies.Sequence.SequenceStrategy.ResidentBytes(
                SequenceKindOf(spec.Name), Strategies.Sequence.SequenceSettings.From(spec), (int)users, (int)items, dim, k),

            // A strategy added later without an entry here: assume a user-vector scorer with its own scores, the common shape.
            _ => users * ((4L * dim) + (4L * k)),
        };
    }

    /// <summary>
    /// Bytes per user of one strategy's own state: the part of <see cref="StrategyBytes"/> that grows
    /// with the population (every formula there is linear in the users).
    /// </summary>
    public static long StrategyBytesPerUser(StrategySpec spec, int dim, int k, long items) =>
        StrategyBytes(spec, 2, dim, k, items) - StrategyBytes(spec, 1, dim, k, items);

    /// <summary>
    /// Bytes per user of every strategy's world, whatever the strategy: its state columns and, with
    /// satiation, its dynamics. <paramref name="sharedTickOutputs"/>: a run without a tick observer
    /// (no <c>--export</c>), whose worlds share their per-tick outputs (counted in <see cref="PopulationBytesPerUser"/>).
    /// </summary>
    public static long WorldBytesPerUser(Scenario s, bool sharedTickOutputs = false) =>
        WorldState.BytesPerUser(s.Dim, s.SlateSize, sharedTickOutputs, SimulationTick.SharesSlates(s)) + (s.Satiation.IsOn ? 2L * 4 * s.Dim : 0L);

    /// <summary>
    /// Bytes per user of what every world shares: the population (logits, preferences, forgetting
    /// parameters, traits), the worlds' shared columns (<see cref="SharedWorldColumns"/>) and the
    /// strategies' shared scratch (<see cref="StrategyScratch"/>, each column once).
    /// </summary>
    public static long PopulationBytesPerUser(Scenario s, bool sharedTickOutputs = false) =>
        ((long)s.Dim * 4 * 3) + 4 + 4 + 1 + Population.TraitBytesPerUser + SharedWorldColumns.BytesPerUser(s.Dim, s.SlateSize, sharedTickOutputs, SimulationTick.SharesSlates(s))
        + ScratchBytesPerUser(s);

    /// <summary>
    /// Where the bytes per user go, for the memory guard's message: the shared population, each
    /// world, each strategy's own state (largest first), and the total per user before headroom.
    /// </summary>
    public static string PerUserSummary(Scenario s)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var world = WorldBytesPerUser(s);
        var shared = WorldBytesPerUser(s, sharedTickOutputs: true);
        var own = s.Strategies
            .Select(x => (x.Name, Bytes: StrategyBytesPerUser(x, s.Dim, s.SlateSize, s.Catalog.Items)))
            .OrderByDescending(x => x.Bytes)
            .ThenBy(x => x.Name, StringComparer.Ordinal)
            .ToList();
        var total = PopulationBytesPerUser(s) + (s.Strategies.Count * world) + own.Sum(x => x.Bytes);
        var strategies = string.Join(", ", own.Select(x => string.Create(c, $"{x.Name} {x.Bytes:N0}")));
        var without = PopulationBytesPerUser(s, sharedTickOutputs: true) + (s.Strategies.Count * shared) + own.Sum(x => x.Bytes);
        return string.Create(c, $"bytes per user: population {PopulationBytesPerUser(s):N0}, world {world:N0} x {s.Strategies.Count}, strategies' own state: {strategies}; without --export the worlds share their per-tick outputs: population {PopulationBytesPerUser(s, sharedTickOutputs: true):N0}, world {shared:N0}, {without:N0} in all; {total:N0} in all");
    }

    /// <summary>
    /// Host bytes: every column lives in host memory (the truth), whatever the engine.
    /// <paramref name="sharedTickOutputs"/>: a run without a tick observer (no <c>--export</c>);
    /// false gives the upper bound, a run whose worlds each keep their per-tick outputs.
    /// </summary>
    public static long Bytes(Scenario s, bool sharedTickOutputs = false)
    {
        long n = s.Population.Users;
        long m = s.Catalog.Items;
        var population = n * PopulationBytesPerUser(s, sharedTickOutputs);
        var catalog = m * ((s.Dim * 4L) + 4 + 4 + 4 + 4);
        var worlds = s.Strategies.Sum(x => (n * WorldState.BytesPerUser(s.Dim, s.SlateSize, sharedTickOutputs, SimulationTick.SharesSlates(s))) + StrategyBytes(x, n, s.Dim, s.SlateSize, m));
        worlds += s.Strategies.Count * WorldDynamicsBytes(s);
        var series = (long)s.Strategies.Count * s.SeedCount * s.Ticks * s.Metrics.Count * 8;

        // Exposure counts for coverage, gini and novelty: per world, three [M] arrays plus one per
        // shard while that stays under ExposureTally's cap (8 bytes a count).
        var shardCounts = Math.Min((long)s.Shards * m, Metrics.ExposureTally.MaxShardCounts);
        var exposure = s.Strategies.Count * ((3 * m) + shardCounts) * 8;
        return (long)((population + catalog + worlds + series + exposure) * Headroom);
    }

    /// <summary>
    /// Device bytes: the columns an engine binds (mirrored on an accelerator): preferences, forgetting
    /// parameters and activity, the catalog and the oracle's item bias, every world's columns (each
    /// world's own per-tick outputs: the upper bound), the user-vector strategies' vectors and the
    /// strategies' shared scratch. Kernel scratch is the engine's to add.
    /// </summary>
    public static long DeviceBytes(Scenario s)
    {
        long n = s.Population.Users;
        long d = s.Dim;
        long m = s.Catalog.Items;
        var population = n * ((d * 4) + 4 + 4 + 1);
        var catalog = m * ((d * 4) + 4 + 4 + 4);
        var vectors = n * 4L * d;
        var worlds = (n * (SharedWorldColumns.BytesPerUser(s.Dim, s.SlateSize, tickOutputs: false) + ScratchBytesPerUser(s))) + s.Strategies.Sum(x => (n * WorldState.BytesPerUser(s.Dim, s.SlateSize)) + (StrategyBytes(x, n, s.Dim, s.SlateSize, m) >= vectors ? vectors : 0));
        return (long)((population + catalog + worlds) * Headroom);
    }

    /// <summary>Bytes per user of the strategies' shared scratch columns (<see cref="StrategyScratch"/>): each column once, whichever strategies use it.</summary>
    public static long ScratchBytesPerUser(Scenario s) =>
        s.Strategies.SelectMany(x => StrategyScratch.ColumnsOf(x.Name, s.Dim, s.SlateSize))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .Sum(g => g.Max(x => x.BytesPerUser));

    /// <summary>Bytes per user of the shared scratch columns one strategy uses (counted once per seed, whichever strategies share them).</summary>
    public static long ScratchBytesPerUser(StrategySpec spec, int dim, int k) => StrategyScratch.ColumnsOf(spec.Name, dim, k).Sum(x => x.BytesPerUser);

    private static Strategies.Sequence.SequenceKind SequenceKindOf(string name) => name switch
    {
        "gru4rec" => Strategies.Sequence.SequenceKind.Gru4Rec,
        "time-lstm" => Strategies.Sequence.SequenceKind.TimeLstm,
        "sasrec" => Strategies.Sequence.SequenceKind.SasRec,
        _ => Strategies.Sequence.SequenceKind.TiSasRec,
    };

    private static double Parameter(StrategySpec spec, string name, double fallback) =>
        spec.Parameters.TryGetValue(name, out var value) ? value : fallback;
}
