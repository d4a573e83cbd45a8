namespace Simulator.Core.Checkpoints;

/// <summary>
/// Moves a component's mutable state into or out of a checkpoint. One method per component
/// (<see cref="ICheckpointable.ExchangeState"/>) serves both directions, so saving and restoring
/// can never disagree about which fields are kept or in which order. Names identify each entry
/// so a mismatched checkpoint fails with a clear message instead of silently misreading.
/// </summary>
public abstract class StateExchange
{
    /// <summary>True when values flow from the checkpoint into the component.</summary>
    public abstract bool IsRestoring { get; }

    public abstract void Floats(string name, Span<float> values);

    public abstract void Doubles(string name, Span<double> values);

    public abstract void Ints(string name, Span<int> values);

    public abstract void Longs(string name, Span<long> values);

    public abstract void Bytes(string name, Span<byte> values);

    /// <summary>A scalar, read or written in place.</summary>
    public abstract void Value(string name, ref double value);

    /// <summary>A scalar, read or written in place.</summary>
    public abstract void Value(string name, ref long value);
}

/// <summary>
/// A component with mutable simulation state (world columns, a strategy's learned state).
/// Everything that influences a later tick must pass through <see cref="ExchangeState"/>:
/// a run resumed from a checkpoint must give byte-identical results to an uninterrupted one.
/// Derived values that are recomputed every tick before they are read need not be kept.
/// </summary>
public interface ICheckpointable
{
    void ExchangeState(StateExchange state);
}
