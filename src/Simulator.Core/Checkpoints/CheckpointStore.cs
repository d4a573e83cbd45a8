namespace Simulator.Core.Checkpoints;

/// <summary>Where a run stands at a tick boundary: the seed being run and the next tick to run in it.</summary>
public readonly record struct CheckpointPosition(int SeedIndex, int NextTick);

/// <summary>
/// Receives the full run state every N ticks. Core hands over the state; where and how it is
/// stored (a file, atomically) belongs to the caller, because Core does no I/O.
/// </summary>
public interface ICheckpointSink
{
    void Save(CheckpointPosition position, ICheckpointable state);
}

/// <summary>A saved run state to continue from: its position and a way to restore it into a freshly built simulation.</summary>
public interface ICheckpointSource
{
    CheckpointPosition Position { get; }

    void Restore(ICheckpointable state);
}

/// <summary>A checkpoint that cannot be used: corrupt, of another scenario or format version, or not matching the simulation's fields.</summary>
public sealed class CheckpointException(string message) : Exception(message);
