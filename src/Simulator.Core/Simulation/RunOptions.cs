using Simulator.Core.Checkpoints;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>Progress of a run: which seed and tick just finished.</summary>
public readonly record struct RunProgress(int SeedIndex, int Seeds, int Tick, int Ticks);

/// <summary>How to execute a run (never what to simulate: that is the Scenario).</summary>
public sealed record RunOptions
{
    /// <summary>Worker threads for per-shard work; null = no limit (the thread pool decides). The CLI passes the processor count.</summary>
    public int? Threads { get; init; }

    /// <summary>The machine recorded in the result's environment.</summary>
    public RunHost Host { get; init; } = RunHost.Unknown;

    /// <summary>
    /// The clock that dates the run and times its wall seconds (only the environment records
    /// them); null = none, recorded as the Unix epoch and 0 s. Core reads no clock of its own.
    /// </summary>
    public TimeProvider? Clock { get; init; }

    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>
    /// Checked between ticks: a cancelled run finishes its current tick and stops at the boundary,
    /// first saving a checkpoint there when checkpointing is on.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Sees every seed's ground truth and every finished tick (e.g. the dataset export); null = none.</summary>
    public ITickObserver? Observer { get; init; }

    /// <summary>Hand the run state to <see cref="Checkpoints"/> after every this many ticks of a seed; 0 = never.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go; required when <see cref="CheckpointEvery"/> is positive.</summary>
    public ICheckpointSink? Checkpoints { get; init; }

    /// <summary>A checkpoint to continue from instead of starting at the first seed's first tick.</summary>
    public ICheckpointSource? Resume { get; init; }

    /// <summary>
    /// Run only logical shard <see cref="IShardPeers.Shard"/> of every seed's population, meeting the
    /// other shards (other processes: shard grains) at each cross-user reduction; null = every shard
    /// here. The result's series and exposure are the whole population's; its example users are
    /// those of this shard; its checkpoints hold this shard's users only. Needs strategies that run on
    /// shards, and no observer.
    /// </summary>
    public IShardPeers? ShardPeers { get; init; }

    /// <summary>Test hook: called with (stage, strategy, tick, column) right before each numerical guard scan.</summary>
    internal Action<Stages.TickStage, string, int, float[]>? GuardHook { get; init; }
}
