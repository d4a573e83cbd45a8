namespace Simulator.Core.Checkpoints;

/// <summary>
/// Prefixes every entry name (e.g. "world[2:ema]."), so two worlds' identical field names stay
/// distinguishable in a checkpoint and a mismatch names the component it belongs to.
/// </summary>
internal sealed class ScopedExchange(StateExchange inner, string prefix) : StateExchange
{
    public override bool IsRestoring => inner.IsRestoring;

    public override void Floats(string name, Span<float> values) => inner.Floats(prefix + name, values);

    public override void Doubles(string name, Span<double> values) => inner.Doubles(prefix + name, values);

    public override void Ints(string name, Span<int> values) => inner.Ints(prefix + name, values);

    public override void Longs(string name, Span<long> values) => inner.Longs(prefix + name, values);

    public override void Bytes(string name, Span<byte> values) => inner.Bytes(prefix + name, values);

    public override void Value(string name, ref double value) => inner.Value(prefix + name, ref value);

    public override void Value(string name, ref long value) => inner.Value(prefix + name, ref value);
}
