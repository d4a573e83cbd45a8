using System.Runtime.InteropServices;
using Simulator.Core.Checkpoints;

namespace Simulator.Storage.Checkpoints;

/// <summary>
/// Both directions of the checkpoint file see every entry the same way: a kind, a name, an element
/// count and the raw bytes of the span. Only <see cref="Array"/> differs (write vs read and check).
/// </summary>
internal abstract class RawEntryExchange : StateExchange
{
    public override void Floats(string name, Span<float> values) => Array(CheckpointFile.Kind.Floats, name, MemoryMarshal.AsBytes(values), values.Length);

    public override void Doubles(string name, Span<double> values) => Array(CheckpointFile.Kind.Doubles, name, MemoryMarshal.AsBytes(values), values.Length);

    public override void Ints(string name, Span<int> values) => Array(CheckpointFile.Kind.Ints, name, MemoryMarshal.AsBytes(values), values.Length);

    public override void Longs(string name, Span<long> values) => Array(CheckpointFile.Kind.Longs, name, MemoryMarshal.AsBytes(values), values.Length);

    public override void Bytes(string name, Span<byte> values) => Array(CheckpointFile.Kind.Bytes, name, values, values.Length);

    public override void Value(string name, ref double value) => Array(CheckpointFile.Kind.Double, name, MemoryMarshal.AsBytes(new Span<double>(ref value)), 1);

    public override void Value(string name, ref long value) => Array(CheckpointFile.Kind.Long, name, MemoryMarshal.AsBytes(new Span<long>(ref value)), 1);

    /// <summary>Moves one entry: <paramref name="count"/> elements of <paramref name="kind"/> as <paramref name="bytes"/>.</summary>
    protected abstract void Array(CheckpointFile.Kind kind, string name, Span<byte> bytes, long count);
}
