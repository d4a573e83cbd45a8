using System.Security.Cryptography;
using System.Text;
using Simulator.Core.Checkpoints;

namespace Simulator.Storage.Checkpoints;

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
    public const int FormatVersion = 2;

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
