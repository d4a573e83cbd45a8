using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation.Stages;
using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// One seed's simulation: the state every world shares (<see cref="SeedContext"/>) and one
/// <see cref="StrategyWorld"/> per strategy. <see cref="Step"/> advances every world by one fixed
/// tick, calling the stages under <c>Stages/</c> in order.
/// </summary>
internal sealed class SimulationTick : IDisposable, ICheckpointable
{
    private readonly SeedContext _seed;
    private readonly StrategyWorld[] _worlds;
    private readonly SharedWorldColumns _shared;
    private readonly StrategyScratch _scratch;
    private readonly bool _sharedTickOutputs;

    /// <summary>
    /// Builds the population, catalog and worlds of one seed: all its users, or with
    /// <paramref name="oneShard"/> (<c>ShardLayout.OneShardOf</c>) one logical shard's users, whose
    /// cross-user reductions then meet the other shards' through its peers. <c>guardHook</c> is a test
    /// hook called before each numerical guard scan. With <paramref name="sharedTickOutputs"/> (no
    /// tick observer will read <see cref="TickView"/>), the worlds share one column each of true
    /// interest, ideal slates, choice probabilities, chosen positions and dwell, and when every
    /// strategy is built in their slates (<see cref="SharedWorldColumns"/>, <see cref="SharesSlates"/>),
    /// which nothing reads after each world's turn in the tick.
    /// </summary>
    public SimulationTick(
        Scenario scenario,
        IComputeEngine engine,
        ParallelOptions parallel,
        ulong seed,
        Action<TickStage, string, int, float[]>? guardHook = null,
        ShardLayout? oneShard = null,
        bool sharedTickOutputs = false)
    {
        var shards = oneShard ?? new ShardLayout(scenario.Population.Users, scenario.Shards);
        _seed = new SeedContext(scenario, engine, parallel, seed, shards, guardHook);
        var users = shards.Users;
        _scratch = new StrategyScratch(engine, users);
        var context = new StrategyContext(users, scenario.Dim, scenario.SlateSize, _seed.Catalog, engine, seed, shards, parallel) { Scratch = _scratch };

        // Exposure counts cost O(M) per world and tick; kept only when a metric reads them. A
        // one-shard process always counts per shard: its counts are what the other shards receive.
        var needsExposure = _seed.NeedsExposure;
        _sharedTickOutputs = sharedTickOutputs;
        _shared = new SharedWorldColumns(engine, users, scenario.Dim, scenario.SlateSize, sharedTickOutputs, SharesSlates(scenario));
        _worlds = scenario.Strategies
            .Select((spec, index) => new StrategyWorld(
                index,
                spec.Name,
                Create(spec, context),
                new WorldState(engine, users, scenario.Dim, scenario.SlateSize, _shared),
                new WorldDynamics(engine, scenario, users),
                needsExposure ? new ExposureTally(_seed.Catalog.Count, shards.Count, alwaysPerShard: shards.Peers is not null) : null,
                spec.Resolved?.CheckSlates ?? false,
                ExplorationOf(spec, context)))
            .ToArray();
    }

    /// <summary>
    /// Whether the worlds may share one slates column (with the other per-tick outputs): every
    /// strategy is built in, so each writes every user's slate in its Recommend (a plugin or policy
    /// server may fill active users' rows only and is handed the whole column in Learn).
    /// </summary>
    public static bool SharesSlates(Scenario scenario) =>
        scenario.Strategies.All(s => StrategyCatalog.Find(s.Name) is not null && !(s.Resolved?.CheckSlates ?? false));

    /// <summary>Builds a strategy from its descriptor; an external strategy read without a resolver cannot run.</summary>
    private static IStrategy Create(StrategySpec spec, StrategyContext context)
    {
        var descriptor = spec.Resolved
            ?? throw new StrategyException(spec.Name, $"strategy {spec.Name} is a plugin or policy server that was not loaded; run the scenario file with `simulator run`", isConfiguration: true);
        return descriptor.Create(context, spec);
    }

    /// <summary>The exploration slots of a built-in learned strategy whose <c>explore</c> share is above 0 (a plugin's own parameters never trigger it).</summary>
    private static SlateExploration? ExplorationOf(StrategySpec spec, StrategyContext context) =>
        StrategyCatalog.Find(spec.Name)?.Parameters.Any(p => p.Name == StrategyCatalog.ExploreParameter.Name) == true
        && spec.Parameters.TryGetValue(StrategyCatalog.ExploreParameter.Name, out var share) && share > 0
            ? new SlateExploration(context, share)
            : null;

    /// <summary>
    /// Advances one tick. The stages run in this order (one file each under <c>Stages/</c>):
    /// 1. Arrive — items arrive (the live prefix grows) and age; decide which users arrive this tick
    ///    (keyed draw at each user's activity rate); each world then updates its churn state and
    ///    marks its active users (arrived, not churned).
    /// 2. Drift — true interest logits move (shared by all worlds); preferences are refreshed;
    ///    in every world, users switched to a new concept restart its topics at peak strength.
    /// 3. Forget — optional spontaneous recovery, then interest strength decays with time since
    ///    last engagement; interest = preference x strength.
    /// 4. Recommend — the world computes the oracle's ideal slate over live items by true utility
    ///    (satiation lowers the effective interest), then the strategy builds its slate.
    /// 5. Respond — users choose from their slate under the true choice model (Gumbel-max, keyed noise).
    /// 6. Learn — the strategy updates from what it showed and observed.
    /// 7. Reinforce — consumption restores the consumed topic's strength; satiation and item click counts accumulate.
    /// 8. Score — metrics against ground truth, summed per shard and merged in shard order.
    /// Stages 1 and 2 run once for every world; stages 3 to 7 and the per-shard sums of stage 8 run
    /// world after world, each world to the end of its tick before the next starts (each engine
    /// operation already uses every core), so what a world writes and reads only within its tick
    /// can be one column shared by the seed's worlds (<see cref="SharedWorldColumns"/>, strategies'
    /// scratch); the shard sums of every world are then merged in one reduction. Each stage ends
    /// with its numerical guard over the columns it wrote (Preference after Drift, Interest after
    /// Forget, the oracle's scores after Recommend, ExpectedCtr, Probabilities and Dwell after
    /// Respond, the strategy's interest estimate after Learn, Peak after Reinforce), which throws
    /// <see cref="NumericalGuardException"/> on the first NaN or infinity. <paramref name="examples"/>:
    /// the example users' true interest and estimate are recorded in each world's turn.
    /// </summary>
    /// <returns>The metric sums of each world for this tick, in strategy order.</returns>
    public MetricSums[] Step(int tick, ExampleUserRecorder? examples = null)
    {
        ArriveStage.Run(_seed, _worlds, tick);
        DriftStage.Run(_seed, _worlds, tick);
        var partials = new ScorePartial[_worlds.Length][];
        var estimating = 0;
        foreach (var world in _worlds)
        {
            ForgetStage.Run(_seed, world, tick);
            RecommendStage.Run(_seed, world, tick);
            RespondStage.Run(_seed, world, tick);
            LearnStage.Run(_seed, world, tick);
            ReinforceStage.Run(_seed, world, tick);
            if (examples is not null && world.Strategy is IInterestEstimator estimator)
            {
                examples.Record(tick, estimating++, world.State.Interest.Host, estimator.InterestEstimate);
            }

            partials[world.Index] = ScoreStage.Partials(_seed, world);
        }

        return ScoreStage.Merge(_seed, _worlds, partials);
    }

    /// <summary>Read-only views of this seed's per-user forgetting parameters and catalog, for a <see cref="ITickObserver"/>.</summary>
    public SeedView SeedView(int seedIndex) => new()
    {
        SeedIndex = seedIndex,
        Seed = _seed.Seed,
        Scenario = _seed.Scenario,
        CurveP1 = _seed.Population.CurveP1.Host,
        CurveP2 = _seed.Population.CurveP2.Host,
        ItemTopic = _seed.Catalog.Topic.Host,
        ItemQuality = _seed.Catalog.Quality.Host,
        ItemVectors = _seed.Catalog.Items.Host,
        Segment = _seed.Population.Segment,
        SegmentNames = _seed.Population.Segments.Select(s => s.Name).ToArray(),
        ActivityRate = _seed.Population.ActivityRate,
    };

    /// <summary>
    /// Read-only views of the tick <see cref="Step"/> just finished: every world's slates, click
    /// probabilities, chosen positions and dwell (all downloaded to the host by Respond).
    /// </summary>
    public TickView TickView(int seedIndex, int tick) => _sharedTickOutputs
        ? throw new InvalidOperationException("tick views need each world's own tick outputs: build the simulation without sharedTickOutputs")
        : new()
        {
            SeedIndex = seedIndex,
            Seed = _seed.Seed,
            Tick = tick,
            K = _seed.Scenario.SlateSize,
            Active = _seed.Population.Active.Host,
            Worlds = _worlds.Select(w => new WorldTickView
            {
                Strategy = w.Name,
                Active = w.State.Active.Host,
                Slates = w.State.Slates.Host,
                Probabilities = w.State.Probabilities.Host,
                ChosenPosition = w.State.ChosenPosition.Host,
                Dwell = w.State.Dwell.Host,
            }).ToArray(),
        };

    /// <summary>Names of the strategies that keep an interest estimate (<see cref="IInterestEstimator"/>), in strategy order.</summary>
    public IReadOnlyList<string> EstimatingStrategies =>
        _worlds.Where(w => w.Strategy is IInterestEstimator).Select(w => w.Name).ToArray();

    /// <summary>The users this simulation holds: the whole population, or one shard of it.</summary>
    public ShardLayout Shards => _seed.Shards;

    /// <summary>The state of world <paramref name="index"/> (tests: which columns the worlds share).</summary>
    internal WorldState WorldStateOf(int index) => _worlds[index].State;

    /// <summary>The strategies' shared scratch of this seed (tests: what it holds).</summary>
    internal StrategyScratch Scratch => _scratch;

    /// <summary>The shared population of this seed (read-only use: example users, exports).</summary>
    public Population Population => _seed.Population;

    /// <summary>
    /// Exposures per item of world <paramref name="world"/> over all ticks stepped so far, or null
    /// when no selected metric keeps exposure counts (coverage, gini, novelty).
    /// </summary>
    public long[]? ExposureTotals(int world) => _worlds[world].Exposure?.Cumulative;

    /// <summary>Parameter recovery of this seed: each forgetting estimator's fitted rates against the users' true speed.</summary>
    public IEnumerable<(double Rho, List<Statistics.RecoveryPoint> Points, string Strategy)> MeasureParameterRecovery()
    {
        var population = _seed.Population;
        foreach (var world in _worlds)
        {
            if (world.Strategy is IForgettingEstimator estimator && estimator.FittedForgettingRate.Length == population.Users)
            {
                var (rho, points) = Statistics.ParameterRecovery.Measure(_seed.Seed, world.Name, estimator.FittedForgettingRate, population.CurveP1.Host);
                yield return (rho, points, world.Name);
            }
        }
    }

    /// <summary>
    /// What each time-aware strategy learned about forgetting (<see cref="IRetentionProbe"/>), probed
    /// now at <see cref="RetentionCurve.ProbeGaps"/>, beside the population's true retention.
    /// </summary>
    public IEnumerable<RetentionCurve> MeasureRetention()
    {
        var gaps = RetentionCurve.ProbeGaps;
        double[]? truth = null;
        foreach (var world in _worlds)
        {
            if (world.Strategy is IRetentionProbe probe && probe.ProbeRetention(gaps) is { } learned)
            {
                truth ??= TrueRetention(gaps);
                yield return new RetentionCurve(world.Name, _seed.Seed, gaps, learned, truth);
            }
        }
    }

    /// <summary>
    /// Everything that carries from one tick to the next: the shared population and catalog, the
    /// oracle's item bias, and per world its state, its strategy and its exposure counts. Each world
    /// is scoped by index and strategy name, so a checkpoint of other strategies fails by name.
    /// </summary>
    public void ExchangeState(StateExchange state)
    {
        _seed.Population.ExchangeState(new ScopedExchange(state, "population."));
        _seed.Catalog.ExchangeState(new ScopedExchange(state, "catalog."));
        state.Column("idealBias", _seed.IdealBias);
        foreach (var world in _worlds)
        {
            var scope = $"world[{world.Index}:{world.Name}].";
            world.State.ExchangeState(new ScopedExchange(state, scope));
            world.Strategy.ExchangeState(new ScopedExchange(state, scope + "strategy."));
            world.Exposure?.ExchangeState(new ScopedExchange(state, scope + "exposure."));
            world.Dynamics.ExchangeState(new ScopedExchange(state, scope + "dynamics."));
            world.Exploration?.ExchangeState(new ScopedExchange(state, scope + "exploration."));
        }
    }

    public void Dispose()
    {
        foreach (var world in _worlds)
        {
            world.Dispose();
        }

        _shared.Dispose();
        _scratch.Dispose();
        _seed.Dispose();
    }

    /// <summary>The mean over this process's users of b + (1 - b) R(gap; p_u): true strength after an engagement, relative to right after it.</summary>
    private double[] TrueRetention(IReadOnlyList<int> gaps)
    {
        var f = _seed.Scenario.Forgetting;
        var population = _seed.Population;
        var p1 = population.CurveP1.Host;
        var p2 = population.CurveP2.Host;
        return gaps.Select(gap =>
        {
            double sum = 0;
            for (var u = 0; u < population.Users; u++)
            {
                sum += ForgettingMath.Strength(f.Curve, 1f, gap * _seed.Scenario.TickLength, p1[u], p2[u], f.Baseline);
            }

            return sum / population.Users;
        }).ToArray();
    }
}
