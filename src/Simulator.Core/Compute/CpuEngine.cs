namespace Simulator.Core.Compute;

/// <summary>Placeholder replaced below.</summary>
public sealed class CpuEngine
{
}
