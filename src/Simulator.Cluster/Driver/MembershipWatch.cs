using Orleans.Runtime;

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
    public static async Task<string> UntilLossAsync(IManagementGrain management, IReadOnlyDictionary<SiloAddress, string> silos, CancellationToken cancellation)
    {
        var missed = 0;
        while (true)
        {
            await Task.Delay(Interval, cancellation).ConfigureAwait(false);
            try
            {
                var active = await ActiveAsync(management, cancellation).ConfigureAwait(false);
                missed = 0;
                var gone = Describe(silos, active);
                if (gone is not null)
                {
                    return gone;
                }
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                if (++missed >= ClusterTimeouts.MissedPollLimit)
                {
                    return $"lost contact with the cluster: {missed} membership polls in a row failed (last: {e.GetType().Name}: {e.Message}); the gateway silo has probably stopped";
                }
            }
        }
    }

    /// <summary>The message for silos that left, or null when all are active (or the cluster cannot be asked).</summary>
    public static async Task<string?> LostAsync(IManagementGrain management, IReadOnlyDictionary<SiloAddress, string> silos)
    {
        try
        {
            return Describe(silos, await ActiveAsync(management, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static string? Describe(IReadOnlyDictionary<SiloAddress, string> silos, IReadOnlyDictionary<SiloAddress, string> active)
    {
        var gone = silos.Where(s => !active.ContainsKey(s.Key)).Select(s => s.Value).ToArray();
        return gone.Length == 0 ? null : $"silo {string.Join(", ", gone)} left the cluster during the run";
    }
}
