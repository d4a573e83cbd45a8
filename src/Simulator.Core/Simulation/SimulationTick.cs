using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// One seed's simulation: the shared population and catalog, and one world per strategy.
/// <see cref="Step"/> advances every world by one fixed tick.
/// </summary>
internal sealed class SimulationTick : IDisposable, ICheckpointable
{
    private readonly Scenario _scenario;
    private readonly IComputeEngine _engine;
    private readonly ParallelOptions _parallel;
    private readonly ShardLayout _shards;
    private readonly Population _population;
    private readonly Catalog _catalog;
    private readonly StrategyWorld[] _worlds;
    private readonly WorldDynamics[] _dynamics;
    private readonly ItemArrivals _arrivals;
    private readonly IColumn<float> _idealBias;
    private readonly bool[] _selected;
    private readonly ExposureTally?[] _exposure;
    private readonly double _lostThreshold;
    private readonly ulong _seed;
    private readonly Action<string, string, int, float[]>? _guardHook;

    /// <summary>
    /// Builds the population, catalog and worlds of one seed: all its users, or with
    /// <paramref name="oneShard"/> (<c>ShardLayout.OneShardOf</c>) one logical shard's users, whose
    /// cross-user reductions then meet the other shards' through its peers. <c>guardHook</c> is a test
    /// hook called before each numerical guard scan.
    /// </summary>
    public SimulationTick(
        Scenario scenario,
        IComputeEngine engine,
        ParallelOptions parallel,
        ulong seed,
        Action<string, string, int, float[]>? guardHook = null,
        ShardLayout? oneShard = null)
    {
        _seed = seed;
        _guardHook = guardHook;
        _scenario = scenario;
        _engine = engine;
        _parallel = parallel;
        _shards = oneShard ?? new ShardLayout(scenario.Population.Users, scenario.Shards);
        var users = _shards.Users;
        _population = new Population(engine, scenario, seed, parallel, _shards.FirstUser, users);
        _catalog = new Catalog(engine, scenario.Catalog, scenario.Dim, seed);
        _arrivals = new ItemArrivals(scenario.Catalog.Dynamics, _catalog.Count, scenario.Ticks, seed);

        // The oracle ranks by <interest, x> + (beta2/beta1) q, which orders items exactly as the true utility does.
        var ratio = scenario.Choice.QualityWeight / scenario.Choice.InterestWeight;
        _idealBias = engine.Bind(_catalog.Quality.Host.Select(q => q * ratio).ToArray());
        _idealBias.Upload();

        var context = new StrategyContext(
            users, scenario.Dim, scenario.SlateSize, _catalog, engine, seed, _shards, parallel);
        _worlds = scenario.Strategies
            .Select(spec => new StrategyWorld(
                StrategyCatalog.Find(spec.Name)!.Create(context, spec),
                new WorldState(engine, users, scenario.Dim, scenario.SlateSize)))
            .ToArray();
        _dynamics = _worlds.Select(_ => new WorldDynamics(engine, scenario, users)).ToArray();

        _selected = new bool[Enum.GetValues<MetricId>().Length];
        foreach (var name in scenario.Metrics)
        {
            _selected[(int)MetricCatalog.Find(name, scenario.SlateSize)!.Id] = true;
        }

        // Exposure counts cost O(M) per world and tick; kept only when a metric reads them.
        var needsExposure = _selected[(int)MetricId.Coverage] || _selected[(int)MetricId.Gini] || _selected[(int)MetricId.Novelty];
        // A one-shard process always counts per shard: its counts are what the other shards receive.
        _exposure = _worlds.Select(_ => needsExposure ? new ExposureTally(_catalog.Count, _shards.Count, alwaysPerShard: _shards.Peers is not null) : null).ToArray();
        _lostThreshold = ForgettingMetrics.LostThreshold(scenario.Forgetting.Baseline);
    }

    /// <summary>
    /// Advances one tick. The stages run in this order, each over every world:
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
    /// After each stage the numerical guard scans the columns it wrote (Preference after Drift,
    /// Interest after Forget, the oracle's scores after Recommend, ExpectedCtr, Probabilities and
    /// Dwell after Respond, the strategy's interest estimate after Learn, Peak after Reinforce) and
    /// throws <see cref="NumericalGuardException"/> on the first NaN or infinity.
    /// </summary>
    /// <returns>The metric sums of each world for this tick, in strategy order.</returns>
    public MetricSums[] Step(int tick)
    {
        ArriveItems(tick);
        Arrive(tick);
        Drift(tick);
        ForEachWorld(w => Forget(w.State, tick), "Forget", tick);
        ForEachWorld(w => Recommend(w, tick), "Recommend", tick);
        ForEachWorld(w => Respond(w, tick), "Respond", tick);
        ForEachWorld(w => Learn(w, tick), "Learn", tick);
        ForEachWorld(w => Reinforce(w, tick), "Reinforce", tick);
        return Score();
    }

    /// <summary>Each world's satiation and item-appeal state, in strategy order (checkpoints exchange it via <see cref="WorldDynamics.ExchangeState"/>).</summary>
    internal IReadOnlyList<WorldDynamics> Dynamics => _dynamics;

    /// <summary>Read-only views of this seed's per-user forgetting parameters and catalog, for a <see cref="ITickObserver"/>.</summary>
    public SeedView SeedView(int seedIndex) => new()
    {
        SeedIndex = seedIndex,
        Seed = _seed,
        Scenario = _scenario,
        CurveP1 = _population.CurveP1.Host,
        CurveP2 = _population.CurveP2.Host,
        ItemTopic = _catalog.Topic.Host,
        ItemQuality = _catalog.Quality.Host,
        ItemVectors = _catalog.Items.Host,
        Segment = _population.Segment,
        SegmentNames = _population.Segments.Select(s => s.Name).ToArray(),
        ActivityRate = _population.ActivityRate,
    };

    /// <summary>
    /// Read-only views of the tick <see cref="Step"/> just finished: every world's slates, click
    /// probabilities, chosen positions and dwell (all downloaded to the host by Respond).
    /// </summary>
    public TickView TickView(int seedIndex, int tick) => new()
    {
        SeedIndex = seedIndex,
        Seed = _seed,
        Tick = tick,
        K = _scenario.SlateSize,
        Active = _population.Active.Host,
        Worlds = _worlds.Select((w, i) => new WorldTickView
        {
            Strategy = _scenario.Strategies[i].Name,
            Active = w.State.Active.Host,
            Slates = w.State.Slates.Host,
            Probabilities = w.State.Probabilities.Host,
            ChosenPosition = w.State.ChosenPosition.Host,
            Dwell = w.State.Dwell.Host,
        }).ToArray(),
    };

    /// <summary>Names of the strategies that keep an interest estimate (<see cref="IInterestEstimator"/>), in strategy order.</summary>
    public IReadOnlyList<string> EstimatingStrategies =>
        _worlds.Where(w => w.Strategy is IInterestEstimator).Select(NameOf).ToArray();

    /// <summary>The users this simulation holds: the whole population, or one shard of it.</summary>
    public ShardLayout Shards => _shards;

    /// <summary>The shared population of this seed (read-only use: example users, exports).</summary>
    public Population Population => _population;

    /// <summary>
    /// Exposures per item of world <paramref name="world"/> over all ticks stepped so far, or null
    /// when no selected metric keeps exposure counts (coverage, gini, novelty).
    /// </summary>
    public long[]? ExposureTotals(int world) => _exposure[world]?.Cumulative;

    /// <summary>Records the tick just stepped into <paramref name="recorder"/>: each estimating world's true interest and estimate.</summary>
    public void RecordExamples(ExampleUserRecorder recorder, int tick)
    {
        var index = 0;
        foreach (var world in _worlds)
        {
            if (world.Strategy is IInterestEstimator estimator)
            {
                recorder.Record(tick, index++, world.State.Interest.Host, estimator.InterestEstimate);
            }
        }
    }

    private void Guard(string stage, string column, string strategy, int tick, float[] values, int width)
    {
        _guardHook?.Invoke(stage, strategy, tick, values);
        NumericalGuard.Check(values, width, _shards, _parallel, stage, column, strategy, tick, _seed);
    }

    private string NameOf(StrategyWorld world) => _scenario.Strategies[Array.IndexOf(_worlds, world)].Name;

    private void GuardWorld(StrategyWorld world, string stage, int tick)
    {
        var state = world.State;
        var name = NameOf(world);
        switch (stage)
        {
            case "Forget":
                Guard(stage, "Interest", name, tick, state.Interest.Host, state.Dim);
                break;
            case "Recommend":
                state.IdealScores.Download();
                Guard(stage, "IdealScores", name, tick, state.IdealScores.Host, state.K);
                break;
            case "Respond":
                state.ExpectedCtr.Download();
                Guard(stage, "ExpectedCtr", name, tick, state.ExpectedCtr.Host, 1);
                Guard(stage, "Probabilities", name, tick, state.Probabilities.Host, state.K);
                Guard(stage, "Dwell", name, tick, state.Dwell.Host, 1);
                break;
            case "Learn":
                if (world.Strategy is IInterestEstimator { InterestEstimate: { } estimate })
                {
                    Guard(stage, "InterestEstimate", name, tick, estimate, state.Dim);
                }

                break;
            case "Reinforce":
                state.Peak.Download();
                Guard(stage, "Peak", name, tick, state.Peak.Host, state.Dim);
                break;
        }
    }

    /// <summary>Parameter recovery of this seed: each forgetting estimator's fitted rates against the users' true speed.</summary>
    public IEnumerable<(double Rho, List<Statistics.RecoveryPoint> Points, string Strategy)> MeasureParameterRecovery()
    {
        for (var w = 0; w < _worlds.Length; w++)
        {
            if (_worlds[w].Strategy is IForgettingEstimator estimator && estimator.FittedForgettingRate.Length == _population.Users)
            {
                var name = _scenario.Strategies[w].Name;
                var (rho, points) = Statistics.ParameterRecovery.Measure(_seed, name, estimator.FittedForgettingRate, _population.CurveP1.Host);
                yield return (rho, points, name);
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
        _population.ExchangeState(new ScopedExchange(state, "population."));
        _catalog.ExchangeState(new ScopedExchange(state, "catalog."));
        state.Column("idealBias", _idealBias);
        for (var w = 0; w < _worlds.Length; w++)
        {
            var scope = $"world[{w}:{_scenario.Strategies[w].Name}].";
            _worlds[w].State.ExchangeState(new ScopedExchange(state, scope));
            _worlds[w].Strategy.ExchangeState(new ScopedExchange(state, scope + "strategy."));
            _exposure[w]?.ExchangeState(new ScopedExchange(state, scope + "exposure."));
            _dynamics[w].ExchangeState(new ScopedExchange(state, scope + "dynamics."));
        }
    }

    public void Dispose()
    {
        foreach (var world in _worlds)
        {
            world.Dispose();
        }

        foreach (var dynamics in _dynamics)
        {
            dynamics.Dispose();
        }

        _idealBias.Dispose();
        _catalog.Dispose();
        _population.Dispose();
    }

    /// <summary>Worlds run one after another: each engine operation already uses every core.</summary>
    private void ForEachWorld(Action<StrategyWorld> stage, string name, int tick)
    {
        foreach (var world in _worlds)
        {
            stage(world);
            GuardWorld(world, name, tick);
        }
    }

    /// <summary>Catalog dynamics: the live prefix at this tick, and each world's item utility offsets (aging, social proof).</summary>
    private void ArriveItems(int tick)
    {
        _catalog.LiveCount = _arrivals.LiveAt(tick);
        foreach (var dynamics in _dynamics)
        {
            dynamics.Appeal?.Update(tick, _catalog.LiveCount, _catalog.Quality.Host, _arrivals.ArrivalTick);
        }
    }

    private void Arrive(int tick)
    {
        var arrived = _population.Active.Host;
        var rates = _population.ActivityRate;
        var seed = _population.Seed;
        var first = _shards.FirstUser;
        _shards.ForEach(_parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var rate = rates[u];
                arrived[u] = rate >= 1f || KeyedRandom.Uniform(seed, RandomStreams.Activity, (uint)(first + u), (uint)tick, 0) < rate ? (byte)1 : (byte)0;
            }
        });
        _population.Active.Upload();
        foreach (var world in _worlds)
        {
            var state = world.State;
            _shards.ForEach(_parallel, (start, end) => ChurnStage.Apply(_scenario.Churn, seed, first, tick, arrived, state, start, end));
            state.Active.Upload();
        }
    }

    private void Drift(int tick)
    {
        var changed = 0;
        var switched = 0;
        _shards.ForEach(_parallel, (start, end) =>
        {
            if (DriftStage.Apply(_population, _scenario, tick, start, end))
            {
                _population.RefreshPreference(start, end);
                Interlocked.Exchange(ref changed, 1);
                if (_population.Switched.AsSpan(start, end - start).Contains((byte)1))
                {
                    Interlocked.Exchange(ref switched, 1);
                }
            }
        });
        if (changed != 0)
        {
            _population.Preference.Upload();
        }

        if (switched != 0)
        {
            foreach (var world in _worlds)
            {
                FreshConcept.Apply(world.State, _population.Switched, _population.Preference.Host, tick, _shards, _parallel);
            }
        }

        if (changed != 0 || tick == 0)
        {
            Guard("Drift", "Preference", "population (shared by every strategy)", tick, _population.Preference.Host, _scenario.Dim);
        }
    }

    private void Forget(WorldState world, int tick)
    {
        var f = _scenario.Forgetting;
        if (f.RecoveryRate > 0f && tick > 0)
        {
            SpontaneousRecovery.Apply(f, _population, world, tick, _scenario.TickLength, _shards, _parallel);
        }

        _engine.Decay(new DecayOperands(
            world.Users, world.Dim, f.Curve, world.Peak, world.LastEngaged, _population.CurveP1, _population.CurveP2,
            _population.Preference, world.Interest, f.Baseline, tick, _scenario.TickLength));
        world.Interest.Download();
    }

    private void Recommend(StrategyWorld world, int tick)
    {
        var state = world.State;
        var dynamics = _dynamics[Array.IndexOf(_worlds, world)];
        if (dynamics.Satiation is { } satiation)
        {
            _shards.ForEach(_parallel, (start, end) => satiation.UpdateAppeal(state.Interest.Host, start, end));
            satiation.Appeal.Upload();
        }

        var idealBias = dynamics.IdealBias(_idealBias);
        _engine.ScoreTopK(new ScoreTopKOperands(
            state.Users, _catalog.LiveCount, state.Dim, state.K, dynamics.UtilityInterest(state), _catalog.Items, idealBias, state.IdealSlates, state.IdealScores));
        state.IdealSlates.Download();
        world.Strategy.Recommend(new RecommendContext(
            tick, state.Active.Host, state.Slates, new GroundTruth(state.IdealSlates, state.Interest, idealBias)));
        if (_catalog.LiveCount < _catalog.Count)
        {
            // Only while items are still to arrive: a static catalog keeps its O(N k) per tick.
            LiveItemGuard.Check(state.Slates.Host, state.Active.Host, state.K, _catalog.LiveCount, NameOf(world), tick);
        }
        state.Slates.Upload();
    }

    private void Respond(StrategyWorld strategyWorld, int tick)
    {
        var world = strategyWorld.State;
        var dynamics = _dynamics[Array.IndexOf(_worlds, strategyWorld)];
        _engine.Choice(new ChoiceOperands(
            world.Users, _catalog.Count, world.Dim, world.K, dynamics.UtilityInterest(world), world.Slates, _catalog.Items, dynamics.UtilityQuality(_catalog),
            world.Active, dynamics.Choice, _population.Seed, tick, world.ChosenPosition, world.ExpectedCtr, world.Probabilities, world.Dwell, _shards.FirstUser));
        world.ChosenPosition.Download();
        world.Dwell.Download();
        world.Probabilities.Download();
    }

    private void Learn(StrategyWorld world, int tick) =>
        world.Strategy.Learn(new FeedbackContext(
            tick, world.State.Active.Host, world.State.Slates.Host, world.State.ChosenPosition.Host, world.State.Dwell.Host));

    private void Reinforce(StrategyWorld strategyWorld, int tick)
    {
        var world = strategyWorld.State;
        var f = _scenario.Forgetting;
        _engine.Reinforce(new ReinforceOperands(
            world.Users, world.Dim, world.K, f.Curve, world.Peak, world.LastEngaged, _population.CurveP1, _population.CurveP2,
            world.Slates, world.ChosenPosition, _catalog.Topic, f.Baseline, f.Reinforcement, tick, _scenario.TickLength));

        var dynamics = _dynamics[Array.IndexOf(_worlds, strategyWorld)];
        if (dynamics.Satiation is { } satiation)
        {
            _shards.ForEach(_parallel, (start, end) =>
                satiation.Accumulate(world.Slates.Host, world.ChosenPosition.Host, _catalog.Topic.Host, world.K, start, end));
        }

        dynamics.Appeal?.CountClicks(_shards, _parallel, world.Slates.Host, world.ChosenPosition.Host, world.K);
    }

    /// <summary>
    /// Scores every world in one reduction: each shard computes all worlds' partials, then every
    /// world's are folded in shard order. One reduction rather than one per world, so a seed split
    /// over shard grains exchanges once per tick for its scores.
    /// </summary>
    private MetricSums[] Score()
    {
        var inputs = _worlds.Select(ScoreInputsOf).ToArray();
        foreach (var tally in _exposure)
        {
            tally?.BeginTick();
        }

        var parts = _shards.Reduce(
            _parallel,
            (shard, start, end) => _worlds.Select((_, w) =>
                new ScorePartial(TickScorer.Score(start, end, inputs[w], _exposure[w]?.ShardCounts(shard)), _exposure[w]?.ShardCounts(shard))).ToArray(),
            new List<ScorePartial[]>(),
            (all, shard) =>
            {
                all.Add(shard);
                return all;
            },
            ScorePartial.Worlds);
        var sums = new MetricSums[_worlds.Length];
        for (var w = 0; w < _worlds.Length; w++)
        {
            sums[w] = new MetricSums();
            var counts = new List<long[]?>();
            foreach (var shard in parts)
            {
                counts.Add(shard[w].Exposure);
                sums[w].Add(shard[w].Sums);
            }

            if (_exposure[w] is { } tally)
            {
                tally.EndTick(counts, inputs[w].Active, inputs[w].Slates, inputs[w].K);
                sums[w].Set(MetricId.Coverage, RankingMetrics.Coverage(tally.Tick.AsSpan(0, _catalog.LiveCount)));
                sums[w].Set(MetricId.Gini, RankingMetrics.Gini(tally.Tick.AsSpan(0, _catalog.LiveCount)));
            }
        }

        return sums;
    }

    private ScoreInputs ScoreInputsOf(StrategyWorld world, int index)
    {
        var state = world.State;
        var dynamics = _dynamics[index];
        return new ScoreInputs
        {
            Dim = state.Dim,
            K = state.K,
            Interest = state.Interest.Host,
            Appeal = dynamics.Satiation?.Appeal.Host,
            Preference = _population.Preference.Host,
            Items = _catalog.Items.Host,
            Quality = dynamics.UtilityQuality(_catalog).Host,
            Topic = _catalog.Topic.Host,
            Active = state.Active.Host,
            Slates = state.Slates.Host,
            IdealSlates = state.IdealSlates.Host,
            ChosenPosition = state.ChosenPosition.Host,
            Choice = dynamics.Choice,
            Estimate = (world.Strategy as IInterestEstimator)?.InterestEstimate,
            SelfInformation = _exposure[index]?.SelfInformation,
            LostThreshold = _lostThreshold,
            Selected = _selected,
        };
    }
}
