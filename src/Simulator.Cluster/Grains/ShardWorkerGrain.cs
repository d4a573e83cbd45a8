using System.Diagnostics;
using System.Runtime.InteropServices;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Simulator.Cluster.Codecs;
using Simulator.Cluster.Hosting;
using Simulator.Cluster.Placement;
using Simulator.Core.Checkpoints;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Storage.Checkpoints;

namespace Simulator.Cluster.Grains;

/// <summary>
/// See <see cref="IShardWorkerGrain"/>. Holds only its shard's users (population, worlds and
/// per-user strategy state are <c>end - start</c> rows long). The simulation runs on its own
/// thread, because it blocks at every exchange; the grain stays active for the whole call, so it
/// is never collected mid-seed, and <see cref="ImmovableAttribute"/> keeps rebalancing from moving it.
/// </summary>
[SiloSlotPlacement, Immovable]
public sealed class ShardWorkerGrain(ISeedEngineSource engines, ILocalSiloDetails silo) : Grain, IShardWorkerGrain
{
    private double[] _series = [];

    public async Task<ShardRun> RunShard(
        string scenarioJson, int seedIndex, string exchangeKey, TimeSpan exchangeWait, SeedTickCheckpoints? ticks, int fromTick, CancellationToken cancellation)
    {
        var (_, single) = SeedScenario.Parse(scenarioJson, seedIndex);
        var shard = (int)this.GetPrimaryKeyLong(out _);
        var label = SiloLabel.Of(silo);
        var coordinator = GrainFactory.GetGrain<IRunCoordinatorGrain>(ShardKeys.RunOf(exchangeKey));
        var peers = new GrainShardPeers(GrainFactory.GetGrain<IShardExchangeGrain>(exchangeKey), shard, exchangeWait, cancellation);
        var progress = new TickReporter(p => coordinator.ReportProgress(new SeedProgress(label, seedIndex, p.Tick, p.Ticks)));
        var clock = Stopwatch.StartNew();
        var (run, kind, device) = await Task.Factory.StartNew(
            () =>
            {
                var options = new RunOptions { Threads = Environment.ProcessorCount, Cancellation = cancellation, Progress = progress, ShardPeers = peers };
                var resume = ticks is null ? null : Checkpointing(ticks, seedIndex, shard, ScenarioWriter.ToJson(single), fromTick, ref options);
                using (resume)
                {
                    using var engine = engines.Create();
                    var result = SimulationRunner.Run(single, engine, options);
                    return (result, engine.Info.Kind, engine.Info.DeviceName);
                }
            },
            cancellation,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(true);
        _series = SeedSeries.Flatten(run.Series);

        var examples = seedIndex == 0 && run.ExampleUsers.Count > 0 ? ExampleUsersTransport.ToJson(run.ExampleUsers) : null;
        return new ShardRun(
            shard,
            label,
            kind,
            device,
            Hash(_series),
            _series.Length,
            clock.Elapsed.TotalSeconds,
            shard == 0 ? run.ItemExposure?.ToArray() : null,
            examples);
    }

    public Task<DoubleBlock> FetchSeries(int offset, int count) => Task.FromResult(SeedSeries.Slice(_series, offset, count));

    /// <summary>Adds this shard's saves (rotating, so the previous one stays) and, from a positive tick, its save there to <paramref name="options"/>; returns the source to dispose.</summary>
    private static LoadedCheckpoint? Checkpointing(SeedTickCheckpoints ticks, int seedIndex, int shard, string singleJson, int fromTick, ref RunOptions options)
    {
        var resume = fromTick > 0 ? ShardTickCheckpoints.OpenAt(ticks, seedIndex, shard, singleJson, fromTick) : null;
        var path = ticks.PathOf(seedIndex, shard);
        options = options with
        {
            CheckpointEvery = ticks.Every,
            Checkpoints = ticks.Every > 0 ? new ShardTickCheckpoints.RotatingSink(new CheckpointWriter(path, singleJson), path, ticks.PathOf(seedIndex, shard, previous: true)) : null,
            Resume = resume is null ? null : new ReleasedAfterRestore(resume),
        };
        return resume;
    }

    /// <summary>FNV-1a over the values' bytes: equal series give equal hashes; a shard that folded differently almost surely does not.</summary>
    internal static ulong Hash(double[] values)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in MemoryMarshal.AsBytes(values.AsSpan()))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
