using Simulator.Core.Checkpoints;

namespace Simulator.Tests.Core.Strategies;

/// <summary>
/// A StateExchange over a dictionary: saving copies every named entry out, restoring copies the
/// held entries in (entries not held are left untouched, so tests can set just a few fields).
/// </summary>
internal sealed class DictionaryExchange(bool restoring) : StateExchange
{
    public Dictionary<string, Array> Entries { get; } = [];

    public override bool IsRestoring => restoring;

    public override void Floats(string name, Span<float> values) => Move(name, values);

    public override void Doubles(string name, Span<double> values) => Move(name, values);

    public override void Ints(string name, Span<int> values) => Move(name, values);

    public override void Longs(string name, Span<long> values) => Move(name, values);

    public override void Bytes(string name, Span<byte> values) => Move(name, values);

    public override void Value(string name, ref double value)
    {
        Span<double> one = [value];
        Move(name, one);
        value = one[0];
    }

    public override void Value(string name, ref long value)
    {
        Span<long> one = [value];
        Move(name, one);
        value = one[0];
    }

    private void Move<T>(string name, Span<T> values)
    {
        if (!restoring)
        {
            Entries[name] = values.ToArray();
        }
        else if (Entries.TryGetValue(name, out var held))
        {
            ((T[])held).AsSpan().CopyTo(values);
        }
    }
}
