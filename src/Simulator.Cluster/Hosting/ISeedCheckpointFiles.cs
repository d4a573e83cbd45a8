using Simulator.Core.Checkpoints;

namespace Simulator.Cluster.Hosting;

/// <summary>
/// How a seed worker writes and reads its tick checkpoints. The format is the local run's
/// checkpoint file, which lives with the other run files outside this project, so the CLI (and
/// a test host) passes it in, as it does the engine.
/// </summary>
public interface ISeedCheckpointFiles
{
    /// <summary>A sink that replaces the file at <paramref name="path"/> atomically on every save.</summary>
    ICheckpointSink Writer(string path, string scenarioJson);

    /// <summary>
    /// The checkpoint at <paramref name="path"/>, or null when there is none. A damaged file or one
    /// of another scenario throws <see cref="CheckpointException"/>. The source may hold the file
    /// open: dispose it (when it is <see cref="IDisposable"/>) once restored.
    /// </summary>
    ICheckpointSource? Open(string path, string scenarioJson);
}

/// <summary>Checkpoint files from two delegates.</summary>
public sealed class SeedCheckpointFiles(Func<string, string, ICheckpointSink> writer, Func<string, string, ICheckpointSource?> open) : ISeedCheckpointFiles
{
    public ICheckpointSink Writer(string path, string scenarioJson) => writer(path, scenarioJson);

    public ICheckpointSource? Open(string path, string scenarioJson) => open(path, scenarioJson);
}
