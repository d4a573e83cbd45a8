using Simulator.Core.Checkpoints;
using Simulator.Core.Results;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Follows a few example users of one seed tick by tick (see <see cref="ExampleUserTrace"/>).
/// The users are chosen from the true forgetting parameters so the panel shows the range of the
/// population: the fastest, the median and the slowest forgetter among the first
/// <see cref="Candidates"/> users (ties broken by index, so the choice is deterministic).
/// A process that holds one shard of the population records the chosen users among its rows only;
/// the traces of all shards, ordered by time scale and user, are the one-process run's.
/// </summary>
internal sealed class ExampleUserRecorder : ICheckpointable
{
    /// <summary>Users considered: enough to span the population's spread, few enough to sort instantly.</summary>
    public const int Candidates = 1024;

    private readonly int _dim;
    private readonly int[] _users;
    private readonly string[] _strategies;

    // [example user][strategy] -> [ticks x dim]
    private readonly float[][][] _truth;
    private readonly float[][][] _estimates;
    private readonly UserProfile[] _profiles;
    private readonly float[] _timeScales;
    private readonly ulong _seed;
    private readonly int _firstRow;

    /// <summary>
    /// Chooses among the first users of <paramref name="candidates"/> (a population starting at global
    /// user 0 that holds at least min(population, <see cref="Candidates"/>) users) and follows those of
    /// them that are rows of <paramref name="held"/> (null: every chosen user, rows = global indices).
    /// </summary>
    public ExampleUserRecorder(Population candidates, ulong seed, int ticks, IReadOnlyList<string> estimatingStrategies, ShardLayout? held = null)
    {
        if (candidates.FirstUser != 0)
        {
            throw new ArgumentException("example users are chosen among the population's first users", nameof(candidates));
        }

        _seed = seed;
        _dim = candidates.Dim;
        _firstRow = held?.FirstUser ?? 0;
        _users = Choose(candidates.CurveP1.Host.AsSpan(0, Math.Min(candidates.Users, Candidates)))
            .Where(u => held is null || (u >= held.FirstUser && u < held.FirstUser + held.Users))
            .ToArray();
        _strategies = [.. estimatingStrategies];
        _truth = _users.Select(_ => _strategies.Select(_ => new float[ticks * _dim]).ToArray()).ToArray();

        // NaN until a strategy has an estimate (some build theirs only after their first observations).
        _estimates = _users.Select(_ => _strategies.Select(_ => Enumerable.Repeat(float.NaN, ticks * _dim).ToArray()).ToArray()).ToArray();
        _timeScales = _users.Select(u => candidates.CurveP1.Host[u]).ToArray();
        _profiles = _users.Select(u => UserProfiles.For(seed, u, candidates.SegmentOf(u))).ToArray();
    }

    /// <summary>Indices of the fastest (smallest time scale), median and slowest forgetters, distinct and ascending by time scale.</summary>
    internal static int[] Choose(ReadOnlySpan<float> timeScales)
    {
        var order = Enumerable.Range(0, timeScales.Length).ToArray();
        var keys = timeScales.ToArray();

        // A stable sort (by value, then index) so equal time scales pick the lowest user index.
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        return order.Length <= 3 ? order : [order[0], order[order.Length / 2], order[^1]];
    }

    /// <summary>
    /// Records tick <paramref name="tick"/> of strategy number <paramref name="strategy"/> (in the order
    /// given at construction): the world's true interest [N x d] and the strategy's estimate (null = none yet).
    /// </summary>
    public void Record(int tick, int strategy, float[] interest, float[]? estimate)
    {
        for (var i = 0; i < _users.Length; i++)
        {
            var at = (_users[i] - _firstRow) * _dim;
            interest.AsSpan(at, _dim).CopyTo(_truth[i][strategy].AsSpan(tick * _dim, _dim));
            estimate?.AsSpan(at, _dim).CopyTo(_estimates[i][strategy].AsSpan(tick * _dim, _dim));
        }
    }

    /// <summary>The traces recorded so far. Users and profiles are chosen again from the first seed on resume (the same, deterministically).</summary>
    public void ExchangeState(StateExchange state)
    {
        state.Ints("users", _users);
        for (var i = 0; i < _users.Length; i++)
        {
            for (var s = 0; s < _strategies.Length; s++)
            {
                state.Floats($"truth[{i}][{s}]", _truth[i][s]);
                state.Floats($"estimate[{i}][{s}]", _estimates[i][s]);
            }
        }
    }

    public IReadOnlyList<ExampleUserTrace> Traces() =>
        _users.Select((user, i) => new ExampleUserTrace(
            _seed,
            user,
            _profiles[i],
            _timeScales[i],
            _dim,
            _strategies.Select((name, s) => new InterestTrace(name, _truth[i][s], _estimates[i][s])).ToArray())).ToArray();
}
