using Orleans;

namespace Simulator.Cluster.Grains;

/// <summary>
/// What the driver asks the coordinator to run: a resolved scenario (as its JSON) with
/// <paramref name="Seeds"/> seeds, of which those in <paramref name="SeedIndices"/> (ascending;
/// all of them unless the run resumes from a checkpoint). With <paramref name="ShardGrains"/>, each
/// seed's users are split over one shard grain per logical shard (spread over every silo) instead
/// of running whole seeds on silos. A sweep gives its cells' scenarios in <paramref name="CellJsons"/>:
/// the work is then every seed of every cell, numbered cell after cell (<see cref="Job"/>), handed
/// out from one queue so every silo stays busy however few seeds a cell has.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClusterRunRequest(
    [property: Id(0)] string RunId,
    [property: Id(1)] string ScenarioJson,
    [property: Id(2)] int Seeds,
    [property: Id(3)] int ExpectedSilos,
    [property: Id(4)] TimeSpan SiloWait,
    [property: Id(5)] int[] SeedIndices,
    [property: Id(6)] SeedTickCheckpoints? TickCheckpoints = null,
    [property: Id(7)] bool ShardGrains = false,
    [property: Id(8)] IReadOnlyList<string>? CellJsons = null,
    [property: Id(9)] IReadOnlyList<int>? CellSeeds = null)
{
    /// <summary>The scenario JSON, the seed index within its cell and how to name job <paramref name="index"/> (a seed of the run, or of a sweep cell).</summary>
    public (string ScenarioJson, int Seed, string Name) Job(int index)
    {
        if (CellJsons is null || CellSeeds is null)
        {
            return (ScenarioJson, index, $"seed {index}");
        }

        var cell = 0;
        while (index >= CellSeeds[cell])
        {
            index -= CellSeeds[cell++];
        }

        return (CellJsons[cell], index, $"seed {index} of sweep cell {cell + 1}");
    }
}

/// <summary>
/// Tick checkpoints of a cluster run's seeds: every <paramref name="Every"/> ticks the worker running
/// seed i replaces <see cref="PathOf(int)"/> with its seed's full state (the local run's checkpoint
/// format), and a worker that starts seed i resumes from that file when it exists, so a seed lost with
/// its silo continues from its last checkpoint instead of tick 0 (a seed split over shard grains: one
/// file per shard, <see cref="PathOf(int, int, bool)"/>). <paramref name="Every"/> = 0 saves
/// nothing new but still resumes. The directory must be reachable under the same path from the
/// driver and every silo (one host, or shared storage); a silo that cannot reach it fails its seed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SeedTickCheckpoints(
    [property: Id(0)] int Every,
    [property: Id(1)] string Stem)
{
    public const string Extension = ".ckpt";

    public string PathOf(int seedIndex) => $"{Stem}.seed{seedIndex}{Extension}";

    /// <summary>
    /// Shard <paramref name="shard"/> of a seed split over shard grains: its latest save, or with
    /// <paramref name="previous"/> the one before (kept because shards save one after another, so
    /// the tick every shard has saved may be one save back for those that were faster).
    /// </summary>
    public string PathOf(int seedIndex, int shard, bool previous = false) =>
        $"{Stem}.seed{seedIndex}.shard{shard}{(previous ? ".prev" : string.Empty)}{Extension}";

    /// <summary>File pattern of every shard file of a seed (for removal once the seed is saved).</summary>
    public string ShardPattern(int seedIndex) => $"{Path.GetFileName(Stem)}.seed{seedIndex}.shard*{Extension}";
}

/// <summary>
/// One seed's run: where it ran, on which engine, how many series values it produced, its
/// per-item exposure counts [strategy][item] (null when the scenario keeps none) and, for the
/// first seed only, the example-user traces as JSON (see <see cref="ExampleUsersTransport"/>), the
/// tick it started from (0, or where its tick checkpoint stood) and, for a seed split over shard
/// grains, the silo of each shard in shard order (<see cref="Silo"/> then lists them all).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SeedRun(
    [property: Id(0)] int SeedIndex,
    [property: Id(1)] string Silo,
    [property: Id(2)] string EngineKind,
    [property: Id(3)] string DeviceName,
    [property: Id(4)] int SeriesLength,
    [property: Id(5)] double Seconds,
    [property: Id(6)] long[][]? Exposure,
    [property: Id(7)] string? ExampleUsersJson,
    [property: Id(8)] int ResumedFromTick = 0,
    [property: Id(9)] IReadOnlyList<string>? ShardSilos = null);

/// <summary>
/// The coordinator's answer: the requested seeds' runs in seed order, or the failure that stopped the run
/// (a message naming the silo and seed). Series values are fetched separately, in chunks.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClusterRunOutcome(
    [property: Id(0)] IReadOnlyList<SeedRun> Seeds,
    [property: Id(1)] IReadOnlyList<string> Silos,
    [property: Id(2)] string? Failure);

/// <summary>Where a silo's worker is: the seed it runs and the last tick it finished (-1 before the first).</summary>
[GenerateSerializer, Immutable]
public sealed record SeedProgress(
    [property: Id(0)] string Silo,
    [property: Id(1)] int SeedIndex,
    [property: Id(2)] int Tick,
    [property: Id(3)] int Ticks)
{
    /// <summary>" (running seed 2, tick 17 of 60 done)" for messages; empty for no progress.</summary>
    public static string Describe(SeedProgress? progress) => progress switch
    {
        null => string.Empty,
        { Tick: < 0 } p => $" (starting seed {p.SeedIndex})",
        var p => $" (running seed {p.SeedIndex}, tick {p.Tick + 1} of {p.Ticks} done)",
    };
}

/// <summary>
/// One shard's part of a seed split over shard grains: where it ran, on which engine, a hash of the seed's series as this shard computed it (every shard folds every reduction, so
/// all hashes must agree), the series length, the exposure counts [strategy][item] (shard 0 only;
/// they are the whole population's on every shard) and, for the first seed, the example users this
/// shard holds, as JSON.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardRun(
    [property: Id(0)] int Shard,
    [property: Id(1)] string Silo,
    [property: Id(2)] string EngineKind,
    [property: Id(3)] string DeviceName,
    [property: Id(4)] ulong SeriesHash,
    [property: Id(5)] int SeriesLength,
    [property: Id(6)] double Seconds,
    [property: Id(7)] long[][]? Exposure,
    [property: Id(8)] string? ExampleUsersJson);
