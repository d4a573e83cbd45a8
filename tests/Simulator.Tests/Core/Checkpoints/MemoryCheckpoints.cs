using Simulator.Core.Checkpoints;

namespace Simulator.Tests.Core.Checkpoints;

/// <summary>
/// Checkpoints held in memory (deep copies, in exchange order): a sink that records every save
/// and a source that replays one, checking names and lengths as the file format does.
/// </summary>
internal sealed class MemoryCheckpoints : ICheckpointSink
{
    public List<(CheckpointPosition Position, List<(string Name, Array Values)> Entries)> Saved { get; } = [];

    public void Save(CheckpointPosition position, ICheckpointable state)
    {
        var recorder = new Recorder();
        state.ExchangeState(recorder);
        Saved.Add((position, recorder.Entries));
    }

    public ICheckpointSource Source(int index) => new Replay(Saved[index].Position, Saved[index].Entries);

    private sealed class Recorder : StateExchange
    {
        public List<(string Name, Array Values)> Entries { get; } = [];

        public override bool IsRestoring => false;

        public override void Floats(string name, Span<float> values) => Entries.Add((name, values.ToArray()));

        public override void Doubles(string name, Span<double> values) => Entries.Add((name, values.ToArray()));

        public override void Ints(string name, Span<int> values) => Entries.Add((name, values.ToArray()));

        public override void Longs(string name, Span<long> values) => Entries.Add((name, values.ToArray()));

        public override void Bytes(string name, Span<byte> values) => Entries.Add((name, values.ToArray()));

        public override void Value(string name, ref double value) => Entries.Add((name, new[] { value }));

        public override void Value(string name, ref long value) => Entries.Add((name, new[] { value }));
    }

    /// <summary>Restores a recorded checkpoint; <paramref name="skip"/> leaves matching entries untouched (to prove the test notices lost state).</summary>
    internal sealed class Replay(CheckpointPosition position, List<(string Name, Array Values)> entries, Func<string, bool>? skip = null)
        : StateExchange, ICheckpointSource
    {
        private int _next;

        public CheckpointPosition Position => position;

        public override bool IsRestoring => true;

        public void Restore(ICheckpointable state)
        {
            _next = 0;
            state.ExchangeState(this);
            Assert.Equal(entries.Count, _next);
        }

        public override void Floats(string name, Span<float> values) => Take<float>(name).CopyTo(values);

        public override void Doubles(string name, Span<double> values) => Take<double>(name).CopyTo(values);

        public override void Ints(string name, Span<int> values) => Take<int>(name).CopyTo(values);

        public override void Longs(string name, Span<long> values) => Take<long>(name).CopyTo(values);

        public override void Bytes(string name, Span<byte> values) => Take<byte>(name).CopyTo(values);

        public override void Value(string name, ref double value)
        {
            var stored = Take<double>(name);
            value = stored.IsEmpty ? value : stored[0];
        }

        public override void Value(string name, ref long value)
        {
            var stored = Take<long>(name);
            value = stored.IsEmpty ? value : stored[0];
        }

        private Span<T> Take<T>(string name)
        {
            var (stored, values) = entries[_next++];
            Assert.Equal(stored, name);
            var typed = (T[])values;
            return skip?.Invoke(name) == true ? Span<T>.Empty : typed;
        }
    }
}
