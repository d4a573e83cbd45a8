using System.Diagnostics;
using Orleans;
using Orleans.Runtime;
using Simulator.Cluster.Codecs;
using Simulator.Cluster.Hosting;
using Simulator.Cluster.Placement;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;

namespace Simulator.Cluster.Grains;

/// <summary>
/// Runs one seed at a time as a one-seed copy of the scenario (same seed value, so the same
/// keyed noise as in a local run), on the thread pool so the silo's scheduler stays free.
/// </summary>
[SiloSlotPlacement]
public sealed class SeedWorkerGrain(ISeedEngineSource engines, ILocalSiloDetails silo) : Grain, ISeedWorkerGrain
{
    private double[] _series = [];

    public async Task<SeedRun> RunSeed(string scenarioJson, int seedIndex, CancellationToken cancellation)
    {
        var scenario = ScenarioParser.Parse(scenarioJson, "cluster");
        if (seedIndex < 0 || seedIndex >= scenario.SeedCount)
        {
            throw new ArgumentOutOfRangeException(nameof(seedIndex), $"seed index {seedIndex} is outside 0..{scenario.SeedCount - 1}");
        }

        var single = scenario with { Seed = scenario.Seeds[seedIndex], SeedCount = 1 };
        var label = SiloLabel.Of(silo);
        this.GetPrimaryKeyLong(out var runId);
        var coordinator = GrainFactory.GetGrain<IRunCoordinatorGrain>(runId!);
        var progress = new TickReporter(p => coordinator.ReportProgress(new SeedProgress(label, seedIndex, p.Tick, p.Ticks)));
        _ = coordinator.ReportProgress(new SeedProgress(label, seedIndex, -1, scenario.Ticks));
        var clock = Stopwatch.StartNew();
        var (run, kind, device) = await Task.Run(
            () =>
            {
                using var engine = engines.Create();
                var result = SimulationRunner.Run(single, engine, new RunOptions { Cancellation = cancellation, Progress = progress });
                return (result, engine.Info.Kind, engine.Info.DeviceName);
            },
            cancellation).ConfigureAwait(true);
        _series = SeedSeries.Flatten(run.Series);

        // A local run follows example users through its first seed only; so does a cluster run.
        var examples = seedIndex == 0 && run.ExampleUsers.Count > 0 ? ExampleUsersTransport.ToJson(run.ExampleUsers) : null;
        return new SeedRun(seedIndex, label, kind, device, _series.Length, clock.Elapsed.TotalSeconds, run.ItemExposure?.ToArray(), examples);
    }

    public Task<DoubleBlock> FetchSeries(int offset, int count) => Task.FromResult(SeedSeries.Slice(_series, offset, count));
}

/// <summary>Forwards each finished tick to the coordinator (one-way, so the simulation never waits on it).</summary>
internal sealed class TickReporter(Func<RunProgress, Task> report) : IProgress<RunProgress>
{
    public void Report(RunProgress value) => _ = report(value);
}
