using System.Security.Cryptography;
using System.Text;
using Simulator.Core.Checkpoints;

namespace Simulator.Storage.Checkpoints;

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
