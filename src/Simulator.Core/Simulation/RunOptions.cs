namespace Simulator.Core.Simulation;

/// <summary>Progress of a run: which seed and tick just finished.</summary>
public readonly record struct RunProgress(int SeedIndex, int Seeds, int Tick, int Ticks);

/// <summary>How to execute a run (never what to simulate: that is the Scenario).</summary>
public sealed record RunOptions
{
    /// <summary>Worker threads for per-shard work; null = all processors.</summary>
    public int? Threads { get; init; }

    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>Checked between ticks: a cancelled run stops cleanly at a tick boundary.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Sees every seed's ground truth and every finished tick (e.g. the dataset export); null = none.</summary>
    public ITickObserver? Observer { get; init; }

    /// <summary>Test hook: called with (stage, strategy, tick, column) right before each numerical guard scan.</summary>
    internal Action<string, string, int, float[]>? GuardHook { get; init; }
}
