using Simulator.Core.Compute;

namespace Simulator.Cluster.Hosting;

/// <summary>
/// Where a silo gets its compute engine for each seed: the CLI passes its device selection in,
/// so this project needs neither the GPU project nor command-line parsing.
/// </summary>
public interface ISeedEngineSource
{
    IComputeEngine Create();
}

/// <summary>An engine source from a factory delegate.</summary>
public sealed class SeedEngineSource(Func<IComputeEngine> factory) : ISeedEngineSource
{
    public IComputeEngine Create() => factory();
}
