using System.Diagnostics;
using Orleans;
using Orleans.Runtime;
using Simulator.Cluster.Codecs;
using Simulator.Cluster.Grains;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;

namespace Simulator.Cluster;

/// <summary>A finished cluster run: the result, and where each seed ran (in seed order).</summary>
public sealed record ClusterRun(RunResult Result, IReadOnlyList<SeedRun> Seeds);

/// <summary>
/// Drives a whole run on a cluster from a client: waits for the expected silos, hands the
/// scenario to a fresh coordinator grain, watches membership while it runs, fetches every seed's
/// series in chunks and assembles the same <see cref="RunResult"/> a local run gives.
/// A silo that leaves, a gateway that stops answering or a run over its time budget ends the
/// run with a <see cref="ClusterRunException"/> naming what happened.
/// </summary>
public static class ClusterRunDriver
{
    /// <summary>
    /// Runs the scenario's seeds that <paramref name="checkpoint"/> does not hold yet (all of them
    /// without one), saving each to it as soon as it finishes, so that a run that loses a silo can
    /// be resumed; seeds from the checkpoint are merged in seed order with the new ones. With a
    /// checkpoint, each running seed also saves its state every <paramref name="checkpointEvery"/>
    /// ticks beside it (0: none), and a seed whose tick checkpoint is there continues from it.
    /// With <paramref name="shardGrains"/>, each seed's users are split over one shard grain per
    /// logical shard on all silos; each shard then saves its own users' tick checkpoints.
    /// </summary>
    public static async Task<ClusterRun> RunAsync(
        IClusterClient client,
        Scenario scenario,
        int expectedSilos,
        TextWriter log,
        CancellationToken cancellation,
        SeedCheckpoint? checkpoint = null,
        int checkpointEvery = 0,
        bool shardGrains = false)
    {

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var earlier = checkpoint?.Seeds ?? new Dictionary<int, CompletedSeed>();
        var pending = Enumerable.Range(0, scenario.SeedCount).Where(s => !earlier.ContainsKey(s)).ToArray();
        if (earlier.Count > 0)
        {
            log.WriteLine($"cluster: resuming: {earlier.Count} of {scenario.SeedCount} seeds finished earlier; running seeds {string.Join(", ", pending)}");
        }

        var runs = new SeedRun[scenario.SeedCount];
        var series = new double[scenario.SeedCount][];
        foreach (var (seed, done) in earlier)
        {
            (runs[seed], series[seed]) = (done.Run, done.Series);
        }

        var silos = pending.Length == 0 ? new Dictionary<SiloAddress, string>() : await RunSeedsAsync(client, scenario, pending, expectedSilos, log, checkpoint, checkpointEvery, shardGrains, runs, series, cancellation).ConfigureAwait(false);
        if (shardGrains)
        {
            log.WriteLine($"cluster: shards per silo (each seed): {string.Join(", ", ShardsPerSilo(pending.Select(s => runs[s])))}");
        }
        else
        {
            log.WriteLine($"cluster: seeds per silo: {string.Join(", ", runs.GroupBy(r => r.Silo).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        }

        return new ClusterRun(ClusterResult.Assemble(scenario, series, runs, Math.Max(silos.Count, 1), started, clock.Elapsed), runs);
    }

    /// <summary>"silo-a 3, silo-b 3, silo-c 2" for the seeds that ran split in this call (the layout is the same for each).</summary>
    private static IEnumerable<string> ShardsPerSilo(IEnumerable<SeedRun> runs) =>
        runs.Where(r => r.ShardSilos is not null).Take(1).SelectMany(r => r.ShardSilos!)
            .GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");

    /// <summary>
    /// Runs every seed of every cell of a sweep on the cluster, from one queue (a silo that finishes
    /// takes the next seed, of whichever cell), and assembles each cell's result as a local run of
    /// that cell would. Sweeps keep no checkpoint, as locally.
    /// </summary>
    public static async Task<IReadOnlyList<RunResult>> RunSweepAsync(
        IClusterClient client, IReadOnlyList<Scenario> cells, int expectedSilos, TextWriter log, CancellationToken cancellation)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var jobs = cells.Sum(c => c.SeedCount);
        var runs = new SeedRun[jobs];
        var series = new double[jobs][];
        var silos = await RunSeedsAsync(client, cells[0], [.. Enumerable.Range(0, jobs)], expectedSilos, log, null, 0, false, runs, series, cancellation, cells).ConfigureAwait(false);
        log.WriteLine($"cluster: seeds per silo over {cells.Count} cells: {string.Join(", ", runs.GroupBy(r => r.Silo).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        var results = new List<RunResult>(cells.Count);
        var first = 0;
        foreach (var cell in cells)
        {
            var range = first..(first + cell.SeedCount);
            results.Add(ClusterResult.Assemble(cell, series[range], runs[range], Math.Max(silos.Count, 1), started, clock.Elapsed));
            first += cell.SeedCount;
        }

        return results;
    }

    /// <summary>
    /// Runs the pending jobs on the cluster and fills their entries of runs and series: the seeds of
    /// <paramref name="scenario"/>, or with <paramref name="cells"/> every seed of every sweep cell,
    /// numbered cell after cell (<see cref="ClusterRunRequest.Job"/>).
    /// </summary>
    private static async Task<IReadOnlyDictionary<SiloAddress, string>> RunSeedsAsync(
        IClusterClient client,
        Scenario scenario,
        int[] pending,
        int expectedSilos,
        TextWriter log,
        SeedCheckpoint? checkpoint,
        int checkpointEvery,
        bool shardGrains,
        SeedRun[] runs,
        double[][] series,
        CancellationToken cancellation,
        IReadOnlyList<Scenario>? cells = null)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var silos = await WaitForSilosAsync(management, expectedSilos, cancellation).ConfigureAwait(false);
        var budget = cells is null ? ClusterTimeouts.Run(scenario, silos.Count) : cells.Select(c => ClusterTimeouts.Run(c, silos.Count)).Aggregate(TimeSpan.Zero, (a, b) => a + b);
        log.WriteLine($"cluster: {silos.Count} silos ({string.Join(", ", silos.Values)}); {pending.Length} seeds; time budget {budget.TotalMinutes:F0} min");

        var runId = $"{scenario.Name}-{Guid.NewGuid():N}";
        var coordinator = client.GetGrain<IRunCoordinatorGrain>(runId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var request = new ClusterRunRequest(
            runId, ScenarioWriter.ToJson(scenario), cells?.Sum(c => c.SeedCount) ?? scenario.SeedCount, silos.Count, ClusterTimeouts.SiloWait, pending, checkpoint?.TickCheckpointsToUse(checkpointEvery), shardGrains,
            cells?.Select(ScenarioWriter.ToJson).ToArray(), cells?.Select(c => c.SeedCount).ToArray());
        var running = coordinator.Run(request, stop.Token);
        var progress = new WorkerProgress(coordinator.Progress, log);
        var watching = MembershipWatch.UntilLossAsync(management, silos, progress, stop.Token);
        var saving = checkpoint is null ? Task.CompletedTask : SaveFinishedSeedsAsync(coordinator, checkpoint, stop.Token);
        var finished = await Task.WhenAny(running, watching, Task.Delay(budget, stop.Token)).ConfigureAwait(false);
        ClusterRunOutcome outcome;
        try
        {
            cancellation.ThrowIfCancellationRequested();
            if (finished == watching)
            {
                throw new ClusterRunException(await watching.ConfigureAwait(false));
            }

            if (finished != running)
            {
                throw new ClusterRunException($"the run did not finish within its time budget of {budget.TotalMinutes:F0} min; no silo was reported lost");
            }

            outcome = await GuardAsync(running, management, silos, progress).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);

            // The saver stops at the next await; after this no write to the checkpoint can follow.
            await saving.ConfigureAwait(false);
        }

        if (outcome.Failure is not null)
        {
            throw new ClusterRunException(await ExplainAsync(outcome.Failure, management, silos, progress).ConfigureAwait(false));
        }

        for (var i = 0; i < outcome.Seeds.Count; i++)
        {
            var (run, seed) = (outcome.Seeds[i], pending[i]);
            if (run.ResumedFromTick > 0)
            {
                log.WriteLine($"cluster: seed {seed} continued from its tick checkpoint at tick {run.ResumedFromTick}");
            }

            runs[seed] = run;
            series[seed] = checkpoint?.Find(seed)?.Series ?? await GuardAsync(
                Chunking.FetchAsync(run.SeriesLength, (o, c) => coordinator.FetchSeries(seed, o, c)), management, silos, progress).ConfigureAwait(false);
        }

        return silos;
    }

    /// <summary>
    /// Every half second, saves the seeds the coordinator has finished since the last look. Ends
    /// quietly when the run stops or the coordinator cannot be reached (the membership watch and
    /// the run's own failure say why); never throws.
    /// </summary>
    private static async Task SaveFinishedSeedsAsync(IRunCoordinatorGrain coordinator, SeedCheckpoint checkpoint, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop).ConfigureAwait(false);
                foreach (var run in await coordinator.Completed().WaitAsync(stop).ConfigureAwait(false))
                {
                    if (checkpoint.Find(run.SeedIndex) is not null)
                    {
                        continue;
                    }

                    var seed = run.SeedIndex;
                    var values = await Chunking.FetchAsync(run.SeriesLength, (o, c) => coordinator.FetchSeries(seed, o, c)).WaitAsync(stop).ConfigureAwait(false);
                    checkpoint.Add(run, values);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or TimeoutException or InvalidOperationException)
        {
            // Stopped, or the coordinator's silo is gone: what was saved stays saved.
        }
    }

    /// <summary>Waits until <paramref name="expected"/> silos are active; returns them by address with their labels.</summary>
    public static Task<IReadOnlyDictionary<SiloAddress, string>> WaitForSilosAsync(IClusterClient client, int expected, CancellationToken cancellation) =>
        WaitForSilosAsync(client.GetGrain<IManagementGrain>(0), expected, cancellation);

    private static async Task<IReadOnlyDictionary<SiloAddress, string>> WaitForSilosAsync(IManagementGrain management, int expected, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + ClusterTimeouts.SiloWait;
        IReadOnlyDictionary<SiloAddress, string> hosts = new Dictionary<SiloAddress, string>();
        while (true)
        {
            // One membership poll that outlasts ClusterTimeouts.Poll (a loaded host while silos are
            // still starting; seen once in CI) is retried until the deadline, and past it the message
            // below names how many silos had joined.
            try
            {
                hosts = await MembershipWatch.ActiveAsync(management, cancellation).ConfigureAwait(false);
                if (hosts.Count >= expected)
                {
                    return hosts;
                }
            }
            catch (TimeoutException)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new ClusterRunException(
                    $"only {hosts.Count} of {expected} expected silos joined within {ClusterTimeouts.SiloWait.TotalSeconds:F0} s ({string.Join(", ", hosts.Values)}); start the missing silos or lower --expect-silos");
            }

            await Task.Delay(500, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Awaits a cluster call; an Orleans failure becomes a message naming the silos that left, if any.</summary>
    private static async Task<T> GuardAsync<T>(Task<T> call, IManagementGrain management, IReadOnlyDictionary<SiloAddress, string> silos, WorkerProgress progress)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
        {
            throw new ClusterRunException(await ExplainAsync(FailureText.Brief(e), management, silos, progress).ConfigureAwait(false));
        }
    }

    private static async Task<string> ExplainAsync(string failure, IManagementGrain management, IReadOnlyDictionary<SiloAddress, string> silos, WorkerProgress progress)
    {
        var lost = await MembershipWatch.LostAsync(management, silos, progress).ConfigureAwait(false);
        return lost is null ? $"cluster run failed: {failure}" : $"{lost}; {failure}";
    }
}
