using Orleans.Runtime;
using Simulator.Cluster.Grains;

namespace Simulator.Cluster;

/// <summary>
/// Watches the cluster's membership from the driver: a silo that was active at the start and is
/// no longer active, or a gateway that stops answering, ends the run with a message that names it.
/// </summary>
public static class MembershipWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Active silos by address, with "name (host:port)" labels.</summary>
    public static async Task<IReadOnlyDictionary<SiloAddress, string>> ActiveAsync(IManagementGrain management, CancellationToken cancellation)
    {
        var hosts = await management.GetDetailedHosts(onlyActive: true).WaitAsync(ClusterTimeouts.Poll, cancellation).ConfigureAwait(false);
        return hosts.OrderBy(h => h.SiloAddress).ToDictionary(h => h.SiloAddress, h => $"{h.SiloName} ({h.SiloAddress.Endpoint})");
    }

    /// <summary>Polls until a silo of <paramref name="silos"/> is gone or the gateway stops answering; returns the message. Runs until cancelled otherwise.</summary>
    public static async Task<string> UntilLossAsync(IManagementGrain management, IReadOnlyDictionary<SiloAddress, string> silos, WorkerProgress progress, CancellationToken cancellation)
    {
        var missed = 0;
        while (true)
        {
            await Task.Delay(Interval, cancellation).ConfigureAwait(false);
            await progress.RefreshAsync(cancellation).ConfigureAwait(false);
            try
            {
                var active = await ActiveAsync(management, cancellation).ConfigureAwait(false);
                missed = 0;
                var gone = Describe(silos, active, progress);
                if (gone is not null)
                {
                    return gone;
                }
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                if (++missed >= ClusterTimeouts.MissedPollLimit)
                {
                    return $"lost contact with the cluster: {missed} membership polls in a row failed (last: {FailureText.Brief(e)}); the gateway silo has probably stopped";
                }
            }
        }
    }

    /// <summary>The message for silos that left, or null when all are active (or the cluster cannot be asked).</summary>
    public static async Task<string?> LostAsync(IManagementGrain management, IReadOnlyDictionary<SiloAddress, string> silos, WorkerProgress progress)
    {
        try
        {
            return Describe(silos, await ActiveAsync(management, CancellationToken.None).ConfigureAwait(false), progress);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static string? Describe(IReadOnlyDictionary<SiloAddress, string> silos, IReadOnlyDictionary<SiloAddress, string> active, WorkerProgress progress)
    {
        var gone = silos.Where(s => !active.ContainsKey(s.Key)).Select(s => s.Value + progress.Describe(s.Value)).ToArray();
        return gone.Length == 0 ? null : $"silo {string.Join(", ", gone)} left the cluster during the run";
    }
}

/// <summary>
/// The driver's last view of where each silo's worker was (seed and tick), polled from the
/// coordinator, so a lost silo can be reported with the tick it had reached.
/// </summary>
public sealed class WorkerProgress(Func<Task<IReadOnlyList<SeedProgress>>> poll, TextWriter log)
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private readonly System.Diagnostics.Stopwatch _sinceLog = System.Diagnostics.Stopwatch.StartNew();

    private volatile IReadOnlyList<SeedProgress> _last = [];

    public async Task RefreshAsync(CancellationToken cancellation)
    {
        try
        {
            _last = await poll().WaitAsync(ClusterTimeouts.Poll, cancellation).ConfigureAwait(false);
            if (_sinceLog.Elapsed >= LogInterval && _last.Count > 0)
            {
                _sinceLog.Restart();
                log.WriteLine($"cluster: {string.Join("; ", _last.Select(p => $"{p.Silo} seed {p.SeedIndex} tick {p.Tick + 1}/{p.Ticks}"))}");
            }
        }
        catch (Exception) when (!cancellation.IsCancellationRequested)
        {
            // The coordinator may be on the lost silo: keep the last view.
        }
    }

    /// <summary>" (running seed 2, tick 17 of 60 done)" for a silo label, or empty when unknown.</summary>
    public string Describe(string silo) => SeedProgress.Describe(_last.FirstOrDefault(p => p.Silo == silo));
}
