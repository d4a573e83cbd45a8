using Simulator.Core.Scenarios;

namespace Simulator.Cluster;

/// <summary>
/// Bounds on waiting, sized to the work so a healthy run is never cut short and a stuck one never
/// hangs: the run budget assumes a pessimistic 0.2 GFLOP/s per silo for scoring (the dominant
/// cost) and ten times that margin on top of two minutes of fixed start-up allowance.
/// </summary>
public static class ClusterTimeouts
{
    /// <summary>How long to wait for the expected silos to join.</summary>
    public static readonly TimeSpan SiloWait = TimeSpan.FromSeconds(60);

    /// <summary>How long one membership poll may take before it counts as a missed contact.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive missed membership polls after which the gateway counts as lost (with <see cref="Poll"/>: about 15 s).</summary>
    public const int MissedPollLimit = 3;

    public static TimeSpan Run(Scenario scenario, int silos)
    {
        var seedsPerSilo = Math.Ceiling(scenario.SeedCount / (double)Math.Max(1, silos));
        var flopsPerSeed = 2.0 * scenario.Population.Users * scenario.Catalog.Items * scenario.Dim * scenario.Ticks * scenario.Strategies.Count;
        var seconds = 120 + (10 * seedsPerSilo * flopsPerSeed / 0.2e9);
        return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromHours(12).TotalSeconds));
    }
}
