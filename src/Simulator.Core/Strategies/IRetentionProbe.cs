namespace Simulator.Core.Strategies;

/// <summary>
/// A strategy whose recommendations depend on the time since an engagement, and which can say how:
/// its effective retention at each probed gap, from replaying users' own histories at that gap
/// (<see cref="Results.RetentionCurve"/>).
/// </summary>
internal interface IRetentionProbe
{
    /// <summary>
    /// The mean over probed users of the engaged topic's click probability at each of
    /// <paramref name="gaps"/> ticks after the user's latest engagement, over the same at gap 0;
    /// null when no user has engaged enough to probe.
    /// </summary>
    double[]? ProbeRetention(IReadOnlyList<int> gaps);
}
