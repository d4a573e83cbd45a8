using System.Diagnostics;
using Orleans;
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
/// Runs one seed at a time as a one-seed copy of the scenario (same seed value, so the same
/// keyed noise as in a local run), on the thread pool so the silo's scheduler stays free. With
/// tick checkpoints it saves the seed's state every N ticks and starts from a saved state when
/// one exists: the local run's checkpoint and resume, so the bytes are the uninterrupted run's.
/// </summary>
[SiloSlotPlacement]
public sealed class SeedWorkerGrain(ISeedEngineSource engines, ILocalSiloDetails silo) : Grain, ISeedWorkerGrain
{
    private double[] _series = [];

    public async Task<SeedRun> RunSeed(string scenarioJson, int seedIndex, SeedTickCheckpoints? ticks, CancellationToken cancellation)
    {
        var (scenario, single) = SeedScenario.Parse(scenarioJson, seedIndex);
        var label = SiloLabel.Of(silo);
        this.GetPrimaryKeyLong(out var runId);
        var coordinator = GrainFactory.GetGrain<IRunCoordinatorGrain>(runId!);
        var progress = new TickReporter(p => coordinator.ReportProgress(new SeedProgress(label, seedIndex, p.Tick, p.Ticks)));
        var clock = Stopwatch.StartNew();
        var (run, kind, device, from) = await Task.Run(
            () =>
            {
                var (options, resume) = Checkpointing(ticks, seedIndex, ScenarioWriter.ToJson(single), progress, cancellation);
                using (resume)
                {
                    var first = options.Resume?.Position.NextTick ?? 0;
                    _ = coordinator.ReportProgress(new SeedProgress(label, seedIndex, first - 1, scenario.Ticks));
                    using var engine = engines.Create();
                    var result = SimulationRunner.Run(single, engine, options);
                    return (result, engine.Info.Kind, engine.Info.DeviceName, first);
                }
            },
            cancellation).ConfigureAwait(true);
        _series = SeedSeries.Flatten(run.Series);

        // A local run follows example users through its first seed only; so does a cluster run.
        var examples = seedIndex == 0 && run.ExampleUsers.Count > 0 ? ExampleUsersTransport.ToJson(run.ExampleUsers) : null;
        return new SeedRun(seedIndex, label, kind, device, _series.Length, clock.Elapsed.TotalSeconds, run.ItemExposure?.ToArray(), examples, from);
    }

    /// <summary>The run options of one seed: with tick checkpoints, the sink and (when a file exists) the state to resume from, which the caller disposes.</summary>
    private static (RunOptions Options, IDisposable? Resume) Checkpointing(
        SeedTickCheckpoints? ticks, int seedIndex, string singleJson, IProgress<RunProgress> progress, CancellationToken cancellation)
    {
        // A seed runs on every core of its silo, as a local run does by default.
        var options = new RunOptions { Threads = Environment.ProcessorCount, Cancellation = cancellation, Progress = progress };
        if (ticks is null)
        {
            return (options, null);
        }

        var path = ticks.PathOf(seedIndex);
        var resume = CheckpointFile.OpenIfPresent(path, singleJson);
        return (options with
        {
            CheckpointEvery = ticks.Every,
            Checkpoints = ticks.Every > 0 ? new CheckpointWriter(path, singleJson) : null,
            Resume = resume is null ? null : new ReleasedAfterRestore(resume),
        }, resume);
    }

    public Task<DoubleBlock> FetchSeries(int offset, int count) => Task.FromResult(SeedSeries.Slice(_series, offset, count));
}

/// <summary>
/// Releases the checkpoint file as soon as the state is restored, so the seed's next save can
/// replace it (a rename over an open file fails on some platforms).
/// </summary>
internal sealed class ReleasedAfterRestore(LoadedCheckpoint inner) : ICheckpointSource
{
    public CheckpointPosition Position { get; } = inner.Position;

    public void Restore(ICheckpointable state)
    {
        inner.Restore(state);
        inner.Dispose();
    }
}

/// <summary>Forwards each finished tick to the coordinator (one-way, so the simulation never waits on it).</summary>
internal sealed class TickReporter(Func<RunProgress, Task> report) : IProgress<RunProgress>
{
    public void Report(RunProgress value) => _ = report(value);
}
