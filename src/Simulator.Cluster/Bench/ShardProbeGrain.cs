using System.Diagnostics;
using Orleans;
using Orleans.Runtime;
using Simulator.Cluster.Codecs;
using Simulator.Cluster.Grains;
using Simulator.Cluster.Hosting;
using Simulator.Cluster.Placement;

namespace Simulator.Cluster.Bench;

/// <summary>See <see cref="IShardProbeGrain"/>. The barrier's warm-up ticks activate every shard, so no timed tick pays for an activation.</summary>
[SiloSlotPlacement]
public sealed class ShardProbeGrain(ILocalSiloDetails silo) : Grain, IShardProbeGrain
{
    /// <summary>Sixteen partial sums: the size of a shard's per-tick metric contribution.</summary>
    private readonly float[] _sums = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();

    private long _received;

    public Task<FloatBlock> Step(int tick) => Task.FromResult(new FloatBlock(_sums));

    public Task<string> Where() => Task.FromResult(SiloLabel.Of(silo));

    public async Task<double> SendTo(IShardProbeGrain target, int bytes, bool raw)
    {
        var chunk = new float[Math.Min(bytes / sizeof(float), Chunking.ChunkLength<float>())];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = i * 0.5f;
        }

        var clock = Stopwatch.StartNew();
        foreach (var (_, count) in Chunking.Ranges(bytes / sizeof(float), chunk.Length))
        {
            var values = count == chunk.Length ? chunk : chunk[..count];
            await (raw ? target.Accept(new FloatBlock(values)) : target.AcceptPlain(values)).ConfigureAwait(true);
        }

        return clock.Elapsed.TotalSeconds;
    }

    public Task<double[]> ExchangeRounds(string exchangeKey, int rounds, int payloadBytes)
    {
        var shard = (int)this.GetPrimaryKeyLong(out _);
        var peers = new GrainShardPeers(GrainFactory.GetGrain<IShardExchangeGrain>(exchangeKey), shard, TimeSpan.FromMinutes(1), CancellationToken.None);
        var payload = new byte[payloadBytes];
        return Task.Factory.StartNew(
            () =>
            {
                var timings = new double[rounds];
                for (var r = 0; r < rounds; r++)
                {
                    var clock = Stopwatch.StartNew();
                    peers.AllGather(payload);
                    timings[r] = clock.Elapsed.TotalMilliseconds;
                }

                return timings;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    public Task Accept(FloatBlock block)
    {
        _received += block.Values.Length;
        return Task.CompletedTask;
    }

    public Task AcceptPlain(float[] values)
    {
        _received += values.Length;
        return Task.CompletedTask;
    }
}
