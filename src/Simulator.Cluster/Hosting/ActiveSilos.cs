using Orleans.Runtime;

namespace Simulator.Cluster.Hosting;

/// <summary>
/// The active silos, in address order (the order placement slots use). Waits for the expected
/// number, because membership and the cluster manifest fill in over the first seconds and work
/// placed before then piles onto the silos already known.
/// </summary>
public static class ActiveSilos
{
    public static IReadOnlyList<ClusterMember> Current(IClusterMembershipService membership) =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.SiloAddress)
            .ToArray();

    /// <summary>The active silos once at least <paramref name="expected"/> are active, or what there is when <paramref name="wait"/> ends.</summary>
    public static async Task<IReadOnlyList<ClusterMember>> WaitForAsync(IClusterMembershipService membership, int expected, TimeSpan wait, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var silos = Current(membership);
            if (silos.Count >= expected || DateTime.UtcNow >= deadline)
            {
                return silos;
            }

            await Task.Delay(200, cancellation).ConfigureAwait(true);
        }
    }
}
