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
    public static async Task<ClusterRun> RunAsync(IClusterClient client, Scenario scenario, int expectedSilos, TextWriter log, CancellationToken cancellation)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var management = client.GetGrain<IManagementGrain>(0);
        var silos = await WaitForSilosAsync(management, expectedSilos, cancellation).ConfigureAwait(false);
        var budget = ClusterTimeouts.Run(scenario, silos.Count);
        log.WriteLine($"cluster: {silos.Count} silos ({string.Join(", ", silos.Values)}); {scenario.SeedCount} seeds; time budget {budget.TotalMinutes:F0} min");

        var runId = $"{scenario.Name}-{Guid.NewGuid():N}";
        var coordinator = client.GetGrain<IRunCoordinatorGrain>(runId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var request = new ClusterRunRequest(runId, ScenarioWriter.ToJson(scenario), scenario.SeedCount, silos.Count, ClusterTimeouts.SiloWait);
        var running = coordinator.Run(request, stop.Token);
        var progress = new WorkerProgress(coordinator.Progress, log);
        var watching = MembershipWatch.UntilLossAsync(management, silos, progress, stop.Token);
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
        }

        if (outcome.Failure is not null)
        {
            throw new ClusterRunException(await ExplainAsync(outcome.Failure, management, silos, progress).ConfigureAwait(false));
        }

        var series = new double[scenario.SeedCount][];
        for (var s = 0; s < series.Length; s++)
        {
            var seed = s;
            series[s] = await GuardAsync(
                Chunking.FetchAsync(outcome.Seeds[s].SeriesLength, (o, c) => coordinator.FetchSeries(seed, o, c)), management, silos, progress).ConfigureAwait(false);
        }

        log.WriteLine($"cluster: seeds per silo: {string.Join(", ", outcome.Seeds.GroupBy(r => r.Silo).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        return new ClusterRun(ClusterResult.Assemble(scenario, series, outcome.Seeds, silos.Count, started, clock.Elapsed), outcome.Seeds);
    }

    /// <summary>Waits until <paramref name="expected"/> silos are active; returns them by address with their labels.</summary>
    public static Task<IReadOnlyDictionary<SiloAddress, string>> WaitForSilosAsync(IClusterClient client, int expected, CancellationToken cancellation) =>
        WaitForSilosAsync(client.GetGrain<IManagementGrain>(0), expected, cancellation);

    private static async Task<IReadOnlyDictionary<SiloAddress, string>> WaitForSilosAsync(IManagementGrain management, int expected, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + ClusterTimeouts.SiloWait;
        while (true)
        {
            var hosts = await MembershipWatch.ActiveAsync(management, cancellation).ConfigureAwait(false);
            if (hosts.Count >= expected)
            {
                return hosts;
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
