using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation.Stages;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// What every stage of one seed reads: the scenario, the engine, the users this process holds
/// (the whole population or one shard) with the parallel options their loops take, and the state
/// every strategy world shares (population, catalog, item arrivals, the oracle's item bias).
/// Owns the shared state; each world's own state is in its <see cref="StrategyWorld"/>.
/// </summary>
internal sealed class SeedContext : IDisposable
{
    private readonly Action<TickStage, string, int, float[]>? _guardHook;

    /// <summary>
    /// Builds the shared state of one seed over <paramref name="shards"/>' users. <paramref name="guardHook"/>
    /// is a test hook called with (stage, strategy, tick, column) before each numerical guard scan.
    /// </summary>
    public SeedContext(
        Scenario scenario,
        IComputeEngine engine,
        ParallelOptions parallel,
        ulong seed,
        ShardLayout shards,
        Action<TickStage, string, int, float[]>? guardHook)
    {
        Scenario = scenario;
        Engine = engine;
        Parallel = parallel;
        Seed = seed;
        Shards = shards;
        _guardHook = guardHook;
        Population = new Population(engine, scenario, seed, parallel, shards.FirstUser, shards.Users);
        Catalog = new Catalog(engine, scenario.Catalog, scenario.Dim, seed);
        Arrivals = new ItemArrivals(scenario.Catalog.Dynamics, Catalog.Count, scenario.Ticks, seed);

        // The oracle ranks by <interest, x> + (beta2/beta1) q, which orders items exactly as the true utility does.
        var ratio = scenario.Choice.QualityWeight / scenario.Choice.InterestWeight;
        IdealBias = engine.Bind(Catalog.Quality.Host.Select(q => q * ratio).ToArray());
        IdealBias.Upload();

        SelectedMetrics = new bool[Enum.GetValues<MetricId>().Length];
        foreach (var name in scenario.Metrics)
        {
            SelectedMetrics[(int)MetricCatalog.Find(name, scenario.SlateSize)!.Id] = true;
        }

        LostThreshold = ForgettingMetrics.LostThreshold(scenario.Forgetting.Baseline);
    }

    public Scenario Scenario { get; }

    public IComputeEngine Engine { get; }

    /// <summary>The caller's parallel options: every loop over users takes them.</summary>
    public ParallelOptions Parallel { get; }

    /// <summary>The seed value (keys every random draw of this replication).</summary>
    public ulong Seed { get; }

    /// <summary>The users this process holds: the whole population, or one shard of it.</summary>
    public ShardLayout Shards { get; }

    /// <summary>Shared by every world: drift does not depend on what was recommended.</summary>
    public Population Population { get; }

    public Catalog Catalog { get; }

    public ItemArrivals Arrivals { get; }

    /// <summary>The oracle's item bias (beta2 / beta1) q, for worlds whose item utility does not change.</summary>
    public IColumn<float> IdealBias { get; }

    /// <summary>Selected[metric id]: the metrics the scenario asked for.</summary>
    public bool[] SelectedMetrics { get; }

    /// <summary>True strength below which a topic counts as lost (forgetting_error, over_forgetting).</summary>
    public double LostThreshold { get; }

    /// <summary>True when a selected metric reads item exposure counts (coverage, gini, novelty).</summary>
    public bool NeedsExposure =>
        SelectedMetrics[(int)MetricId.Coverage] || SelectedMetrics[(int)MetricId.Gini] || SelectedMetrics[(int)MetricId.Novelty];

    /// <summary>
    /// Stops the run with <see cref="NumericalGuardException"/> when <paramref name="values"/> (a
    /// column of <paramref name="width"/> values per user) holds a NaN or an infinity.
    /// </summary>
    public void Guard(TickStage stage, string column, string strategy, int tick, float[] values, int width)
    {
        _guardHook?.Invoke(stage, strategy, tick, values);
        NumericalGuard.Check(values, width, Shards, Parallel, stage, column, strategy, tick, Seed);
    }

    public void Dispose()
    {
        IdealBias.Dispose();
        Catalog.Dispose();
        Population.Dispose();
    }
}
