namespace Simulator.Core.Simulation;

/// <summary>
/// The machine a run executes on, as the caller describes it (recorded in the result's
/// environment). Core reads no OS, runtime or processor facts itself, so its results depend only
/// on what it is given.
/// </summary>
public sealed record RunHost(string Runtime, string OperatingSystem, int ProcessorCount)
{
    /// <summary>For callers that do not say (tests, library use): recorded as "unknown", 0 processors.</summary>
    public static RunHost Unknown { get; } = new("unknown", "unknown", 0);
}
