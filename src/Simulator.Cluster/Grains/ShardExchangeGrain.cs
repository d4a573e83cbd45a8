using Orleans;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Simulator.Cluster.Grains;

/// <summary>
/// See <see cref="IShardExchangeGrain"/>. Rounds are keyed by number, so a fast shard may hand in
/// round r + 1 while a slow one is still collecting round r; a round is answered and forgotten once
/// all shards are in. Placed beside its caller, the coordinator, which opens it.
/// </summary>
[Reentrant, PreferLocalPlacement]
public sealed class ShardExchangeGrain : Grain, IShardExchangeGrain
{
    private readonly Dictionary<int, Round> _rounds = [];
    private int _shards;
    private string? _failure;

    public Task Open(int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        (_shards, _failure) = (shards, null);
        _rounds.Clear();
        return Task.CompletedTask;
    }

    public Task<byte[][]> Gather(int round, int shard, byte[] partial)
    {
        if (_failure is not null)
        {
            return Task.FromException<byte[][]>(new InvalidOperationException(_failure));
        }

        if (_shards == 0 || shard < 0 || shard >= _shards)
        {
            return Task.FromException<byte[][]>(new InvalidOperationException($"shard {shard} is not one of the {_shards} shards this exchange was opened for"));
        }

        if (!_rounds.TryGetValue(round, out var r))
        {
            _rounds[round] = r = new Round(_shards);
        }

        if (r.Partials[shard] is not null)
        {
            return Task.FromException<byte[][]>(new InvalidOperationException($"shard {shard} handed in exchange round {round} twice"));
        }

        r.Partials[shard] = partial;
        if (++r.Arrived == _shards)
        {
            _rounds.Remove(round);
            r.Done.SetResult(r.Partials);
        }

        return r.Done.Task;
    }

    public Task Fail(string reason)
    {
        _failure ??= reason;
        foreach (var r in _rounds.Values)
        {
            r.Done.TrySetException(new InvalidOperationException(_failure));
        }

        _rounds.Clear();
        return Task.CompletedTask;
    }

    private sealed class Round(int shards)
    {
        public byte[][] Partials { get; } = new byte[shards][];

        public int Arrived { get; set; }

        public TaskCompletionSource<byte[][]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
