using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;
using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// What a run gathers across seeds besides the metric series: item exposure summed over seeds,
/// per-seed parameter recovery and its points, and the example users of the first seed. Kept in
/// one checkpointable place so a run resumed in a later seed still reports the earlier seeds'
/// contributions, byte for byte.
/// </summary>
internal sealed class RunAccumulators : ICheckpointable
{
    private readonly Scenario _scenario;
    private readonly List<(int Strategy, double Rho)> _recovery = [];
    private readonly List<RecoveryPoint> _points = [];
    private readonly List<RetentionCurve> _retention = [];
    private long[][]? _exposure;

    public RunAccumulators(Scenario scenario) => _scenario = scenario;

    /// <summary>Follows the example users; made when the first seed starts (or rebuilt on resume).</summary>
    public ExampleUserRecorder? Examples { get; private set; }

    public IReadOnlyList<ExampleUserTrace> ExampleTraces => Examples?.Traces() ?? [];

    public IReadOnlyList<long[]>? Exposure => _exposure;

    public IReadOnlyList<ParameterRecoveryResult> ParameterRecovery =>
        Statistics.ParameterRecovery.Summarize(_recovery.Select(r => (_scenario.Strategies[r.Strategy].Name, r.Rho)).ToList());

    public IReadOnlyList<RecoveryPoint> ParameterRecoveryPoints => _points;

    /// <summary>Every time-aware strategy's learned retention, per seed in seed order.</summary>
    public IReadOnlyList<RetentionCurve> Retention => _retention;

    /// <summary>
    /// Starts following the example users of the first seed's simulation. A simulation of one shard
    /// that does not hold the candidates draws them apart (keyed draws: the same users).
    /// </summary>
    public void FollowExamples(SimulationTick firstSeed, ulong seed, IComputeEngine engine, ParallelOptions parallel)
    {
        var held = firstSeed.Shards;
        if (held.FirstUser == 0 && held.Users >= CandidateCount)
        {
            Examples = new ExampleUserRecorder(firstSeed.Population, seed, _scenario.Ticks, firstSeed.EstimatingStrategies, held);
            return;
        }

        using var candidates = new Population(engine, _scenario, seed, parallel, 0, CandidateCount);
        Examples = new ExampleUserRecorder(candidates, seed, _scenario.Ticks, firstSeed.EstimatingStrategies, held);
    }

    /// <summary>
    /// On resume past the first seed: rebuilds the recorder for the first seed's population (only
    /// to choose the same users and profiles; the traces themselves come from the checkpoint), from
    /// the candidate users only.
    /// </summary>
    public void FollowExamplesOf(IComputeEngine engine, ulong firstSeed, ParallelOptions parallel, IReadOnlyList<string> estimatingStrategies)
    {
        using var candidates = new Population(engine, _scenario, firstSeed, parallel, 0, CandidateCount);
        Examples = new ExampleUserRecorder(candidates, firstSeed, _scenario.Ticks, estimatingStrategies);
    }

    private int CandidateCount => Math.Min(_scenario.Population.Users, ExampleUserRecorder.Candidates);

    /// <summary>Adds a finished seed's exposure totals and parameter recovery, in seed order.</summary>
    public void AddSeed(SimulationTick simulation)
    {
        var strategies = _scenario.Strategies.Count;
        for (var w = 0; w < strategies; w++)
        {
            if (simulation.ExposureTotals(w) is not { } counts)
            {
                break;
            }

            _exposure ??= new long[strategies][];
            _exposure[w] ??= new long[counts.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                _exposure[w][i] += counts[i];
            }
        }

        foreach (var (rho, points, strategy) in simulation.MeasureParameterRecovery())
        {
            _recovery.Add((IndexOf(strategy), rho));
            _points.AddRange(points);
        }

        _retention.AddRange(simulation.MeasureRetention());
    }

    public void ExchangeState(StateExchange state)
    {
        var items = (long)(_exposure?[0]?.Length ?? 0);
        state.Value("exposure.items", ref items);
        if (state.IsRestoring)
        {
            _exposure = items > 0 ? _scenario.Strategies.Select(_ => new long[items]).ToArray() : null;
        }

        for (var w = 0; _exposure is not null && w < _exposure.Length; w++)
        {
            state.Longs($"exposure[{w}]", _exposure[w]);
        }

        ExchangeRecovery(state);
        ExchangePoints(state);
        ExchangeRetention(state);
        Examples?.ExchangeState(new ScopedExchange(state, "examples."));
    }

    private void ExchangeRecovery(StateExchange state)
    {
        var count = (long)_recovery.Count;
        state.Value("recovery.count", ref count);
        var strategy = _recovery.Select(r => r.Strategy).ToArray();
        var rho = _recovery.Select(r => r.Rho).ToArray();
        if (state.IsRestoring)
        {
            strategy = new int[count];
            rho = new double[count];
        }

        state.Ints("recovery.strategy", strategy);
        state.Doubles("recovery.rho", rho);
        if (state.IsRestoring)
        {
            _recovery.Clear();
            _recovery.AddRange(strategy.Zip(rho));
        }
    }

    private void ExchangePoints(StateExchange state)
    {
        var count = (long)_points.Count;
        state.Value("points.count", ref count);
        var seeds = _points.Select(p => (long)p.Seed).ToArray();
        var strategies = _points.Select(p => IndexOf(p.Strategy)).ToArray();
        var users = _points.Select(p => p.User).ToArray();
        var truth = _points.Select(p => p.TrueRate).ToArray();
        var fitted = _points.Select(p => p.FittedRate).ToArray();
        if (state.IsRestoring)
        {
            (seeds, strategies, users, truth, fitted) = (new long[count], new int[count], new int[count], new double[count], new double[count]);
        }

        state.Longs("points.seed", seeds);
        state.Ints("points.strategy", strategies);
        state.Ints("points.user", users);
        state.Doubles("points.true", truth);
        state.Doubles("points.fitted", fitted);
        if (state.IsRestoring)
        {
            _points.Clear();
            for (var i = 0; i < count; i++)
            {
                _points.Add(new RecoveryPoint((ulong)seeds[i], _scenario.Strategies[strategies[i]].Name, users[i], truth[i], fitted[i]));
            }
        }
    }

    /// <summary>
    /// The finished seeds' retention curves. Only scenarios with a time-aware strategy exchange
    /// them, so checkpoints of every other scenario keep their earlier layout.
    /// </summary>
    private void ExchangeRetention(StateExchange state)
    {
        if (!_scenario.Strategies.Any(s => StrategyCatalog.TimeBlindTwins.ContainsKey(s.Name)))
        {
            return;
        }

        var count = (long)_retention.Count;
        state.Value("retention.count", ref count);
        var gaps = RetentionCurve.ProbeGaps.Count;
        var strategies = _retention.Select(r => IndexOf(r.Strategy)).ToArray();
        var seeds = _retention.Select(r => (long)r.Seed).ToArray();
        var learned = _retention.SelectMany(r => r.Learned).ToArray();
        var truth = _retention.SelectMany(r => r.True).ToArray();
        if (state.IsRestoring)
        {
            (strategies, seeds, learned, truth) = (new int[count], new long[count], new double[count * gaps], new double[count * gaps]);
        }

        state.Ints("retention.strategy", strategies);
        state.Longs("retention.seed", seeds);
        state.Doubles("retention.learned", learned);
        state.Doubles("retention.true", truth);
        if (state.IsRestoring)
        {
            _retention.Clear();
            for (var i = 0; i < count; i++)
            {
                _retention.Add(new RetentionCurve(
                    _scenario.Strategies[strategies[i]].Name, (ulong)seeds[i], RetentionCurve.ProbeGaps, learned.AsSpan(i * gaps, gaps).ToArray(), truth.AsSpan(i * gaps, gaps).ToArray()));
            }
        }
    }

    private int IndexOf(string strategy)
    {
        for (var i = 0; i < _scenario.Strategies.Count; i++)
        {
            if (_scenario.Strategies[i].Name == strategy)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"strategy {strategy} is not in scenario {_scenario.Name}");
    }
}
