using Simulator.Core.Checkpoints;

namespace Simulator.Storage.Checkpoints;

/// <summary>A verified checkpoint: header fields, and the entries restored in the order they were saved.</summary>
public sealed class LoadedCheckpoint : ICheckpointSource, IDisposable
{
    private readonly BinaryReader _reader;
    private readonly long _bodyEnd;

    internal LoadedCheckpoint(string path, BinaryReader reader, byte[] scenarioHash, CheckpointPosition position, string scenarioJson, long bodyEnd)
    {
        FilePath = path;
        _reader = reader;
        ScenarioHash = scenarioHash;
        Position = position;
        ScenarioJson = scenarioJson;
        _bodyEnd = bodyEnd;
    }

    public string FilePath { get; }

    public byte[] ScenarioHash { get; }

    public CheckpointPosition Position { get; }

    /// <summary>The resolved scenario the checkpoint was taken from.</summary>
    public string ScenarioJson { get; }

    /// <summary>Restores every entry, once; the file is closed afterwards so a resumed run may checkpoint over it.</summary>
    public void Restore(ICheckpointable state)
    {
        try
        {
            state.ExchangeState(new RestoringExchange(this));
            if (_reader.BaseStream.Position >= _bodyEnd || _reader.ReadByte() != CheckpointFile.EndMarker)
            {
                throw Mismatch("the checkpoint holds more state than this simulation has (was it written by another version?)");
            }
        }
        finally
        {
            _reader.Dispose();
        }
    }

    public void Dispose() => _reader.Dispose();

    private CheckpointException Mismatch(string what) => new($"{FilePath}: {what}");

    private sealed class RestoringExchange(LoadedCheckpoint file) : RawEntryExchange
    {
        public override bool IsRestoring => true;

        protected override void Array(CheckpointFile.Kind kind, string name, Span<byte> bytes, long count)
        {
            var reader = file._reader;
            if (reader.BaseStream.Position >= file._bodyEnd)
            {
                throw file.Mismatch($"the checkpoint ends before \"{name}\" (was it written by another version?)");
            }

            var storedKind = (CheckpointFile.Kind)reader.ReadByte();
            if (storedKind == (CheckpointFile.Kind)CheckpointFile.EndMarker)
            {
                throw file.Mismatch($"the checkpoint ends before \"{name}\" (was it written by another version?)");
            }

            var storedName = reader.ReadString();
            var storedCount = reader.ReadInt64();
            if (storedName != name || storedKind != kind || storedCount != count)
            {
                throw file.Mismatch($"expected {kind} \"{name}\" x {count}, found {storedKind} \"{storedName}\" x {storedCount}: the checkpoint does not match this simulation");
            }

            reader.BaseStream.ReadExactly(bytes);
        }
    }
}
