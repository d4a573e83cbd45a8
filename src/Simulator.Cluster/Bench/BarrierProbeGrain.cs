using System.Diagnostics;
using Orleans;

namespace Simulator.Cluster.Bench;

/// <summary>
/// See <see cref="IBarrierProbeGrain"/>. Each tick: every shard's Step in parallel, wait for all
/// (the barrier), then add their sums in shard order, as a real tick's merge would.
/// </summary>
public sealed class BarrierProbeGrain : Grain, IBarrierProbeGrain
{
    public async Task<double[]> Barrier(int shards, int warmupTicks, int ticks)
    {
        var benchId = this.GetPrimaryKeyString();
        var probes = Enumerable.Range(0, shards).Select(s => GrainFactory.GetGrain<IShardProbeGrain>(s, benchId)).ToArray();
        var merged = new float[16];
        var timings = new double[ticks];
        for (var t = -warmupTicks; t < ticks; t++)
        {
            var clock = Stopwatch.StartNew();
            var tick = t;
            var steps = await Task.WhenAll(probes.Select(p => p.Step(tick))).ConfigureAwait(true);
            foreach (var step in steps)
            {
                for (var i = 0; i < merged.Length; i++)
                {
                    merged[i] += step.Values[i];
                }
            }

            if (t >= 0)
            {
                timings[t] = clock.Elapsed.TotalMilliseconds;
            }
        }

        return timings;
    }
}
