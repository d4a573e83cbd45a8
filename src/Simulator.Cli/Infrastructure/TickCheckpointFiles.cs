using Simulator.Cluster.Hosting;
using Simulator.Core.Checkpoints;
using Simulator.Reporting.RunFiles;

namespace Simulator.Cli.Infrastructure;

/// <summary>A silo's tick checkpoints in the local run's checkpoint file format (<see cref="CheckpointFile"/>).</summary>
public static class TickCheckpointFiles
{
    public static ISeedCheckpointFiles Instance { get; } = new SeedCheckpointFiles(
        (path, scenarioJson) => new CheckpointWriter(path, scenarioJson),
        CheckpointFile.OpenIfPresent);
}
