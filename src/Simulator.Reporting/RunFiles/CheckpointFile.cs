using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Simulator.Core.Checkpoints;

namespace Simulator.Reporting.RunFiles;

/// <summary>
/// The on-disk checkpoint format (little-endian, as every supported platform is):
/// magic "SIMCKPT\0", format version, SHA-256 of the resolved scenario JSON, seed index and next
/// tick, the resolved scenario JSON itself (so `run --resume FILE` needs nothing else), then one
/// entry per <see cref="StateExchange"/> call (kind, name, element count, raw values), an end
/// marker, and finally a SHA-256 of everything before it, so truncation or bit rot is caught
/// before any state is restored. Files are written beside their final name and renamed into
/// place, so a checkpoint on disk is always complete.
/// </summary>
public static class CheckpointFile
{
    public const int FormatVersion = 1;

    /// <summary>Conventional file extension.</summary>
    public const string Extension = ".ckpt";

    internal static readonly byte[] Magic = "SIMCKPT\0"u8.ToArray();

    internal const byte EndMarker = 0xFF;

    internal enum Kind : byte
    {
        Floats = 1,
        Doubles = 2,
        Ints = 3,
        Longs = 4,
        Bytes = 5,
        Double = 6,
        Long = 7,
    }

    /// <summary>SHA-256 of the resolved scenario JSON: what ties a checkpoint to its scenario.</summary>
    public static byte[] ScenarioHash(string scenarioJson) => SHA256.HashData(Encoding.UTF8.GetBytes(scenarioJson));

    /// <summary>Reads and verifies a checkpoint's header and checksum; entries are read on <see cref="LoadedCheckpoint.Restore"/>.</summary>
    public static LoadedCheckpoint Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException($"{path}: no such checkpoint file");
        }

        var length = new FileInfo(path).Length;
        if (length < Magic.Length + 32)
        {
            throw new CheckpointException($"{path}: not a simulator checkpoint (only {length} bytes)");
        }

        using (var stream = File.OpenRead(path))
        {
            var magic = new byte[Magic.Length];
            stream.ReadExactly(magic);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new CheckpointException($"{path}: not a simulator checkpoint (wrong file signature)");
            }

            stream.Position = 0;
            if (!ChecksumMatches(stream, length))
            {
                throw new CheckpointException($"{path}: the checkpoint is corrupt or truncated (checksum mismatch); use an earlier checkpoint or start the run again");
            }
        }

        var body = File.OpenRead(path);
        var reader = new BinaryReader(body, Encoding.UTF8);
        try
        {
            reader.ReadBytes(Magic.Length);
            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new CheckpointException($"{path}: checkpoint format version {version}, but this simulator reads version {FormatVersion}");
            }

            var hash = reader.ReadBytes(32);
            var position = new CheckpointPosition(reader.ReadInt32(), reader.ReadInt32());
            var scenarioJson = reader.ReadString();
            return new LoadedCheckpoint(path, reader, hash, position, scenarioJson, length - 32);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            reader.Dispose();
            throw new CheckpointException($"{path}: the checkpoint header cannot be read ({e.Message})");
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The checkpoint at <paramref name="path"/> if there is one, verified like <see cref="Open"/>
    /// and required to belong to <paramref name="scenarioJson"/>; null when no file is there (a
    /// cluster seed that never reached its first tick checkpoint).
    /// </summary>
    public static LoadedCheckpoint? OpenIfPresent(string path, string scenarioJson)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var loaded = Open(path);
        if (!loaded.ScenarioHash.AsSpan().SequenceEqual(ScenarioHash(scenarioJson)))
        {
            loaded.Dispose();
            throw new CheckpointException($"{path}: this checkpoint belongs to another scenario (its SHA-256 differs); remove it or resume the run it belongs to");
        }

        return loaded;
    }

    private static bool ChecksumMatches(FileStream stream, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        var remaining = length - 32;
        while (remaining > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            hash.AppendData(buffer, 0, read);
            remaining -= read;
        }

        var stored = new byte[32];
        stream.ReadExactly(stored);
        return hash.GetHashAndReset().AsSpan().SequenceEqual(stored);
    }
}

/// <summary>
/// Writes checkpoints of one run to one path, replacing the previous one atomically
/// (write "path.tmp", then rename over "path"): a crash mid-write leaves the last good checkpoint.
/// </summary>
public sealed class CheckpointWriter(string path, string scenarioJson) : ICheckpointSink
{
    private readonly byte[] _scenarioHash = CheckpointFile.ScenarioHash(scenarioJson);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The position of the last checkpoint written, or null before the first.</summary>
    public CheckpointPosition? Last { get; private set; }

    public void Save(CheckpointPosition position, ICheckpointable state)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(CheckpointFile.Magic);
                    writer.Write(CheckpointFile.FormatVersion);
                    writer.Write(_scenarioHash);
                    writer.Write(position.SeedIndex);
                    writer.Write(position.NextTick);
                    writer.Write(scenarioJson);
                    state.ExchangeState(new SavingExchange(writer));
                    writer.Write(CheckpointFile.EndMarker);
                }

                stream.Flush();
                stream.Position = 0;
                var checksum = SHA256.HashData(stream);
                stream.Write(checksum);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        Last = position;
    }

    /// <summary>Removes the checkpoint once the run it belongs to has been committed.</summary>
    public void Delete()
    {
        if (Last is not null)
        {
            File.Delete(Path);
        }
    }

    private sealed class SavingExchange(BinaryWriter writer) : RawEntryExchange
    {
        public override bool IsRestoring => false;

        protected override void Array(CheckpointFile.Kind kind, string name, Span<byte> bytes, long count)
        {
            writer.Write((byte)kind);
            writer.Write(name);
            writer.Write(count);
            writer.Write(bytes);
        }
    }
}

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
