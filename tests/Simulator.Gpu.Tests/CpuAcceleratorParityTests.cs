namespace Simulator.Gpu.Tests;

/// <summary>The parity checks on ILGPU's CPU accelerator (no GPU needed).</summary>
[Collection(KernelCollection.Name)]
public sealed class CpuAcceleratorParityTests(CpuEngineFixture fixture) : ParityChecks, IClassFixture<CpuEngineFixture>
{
    protected override EngineFixture Fixture => fixture;
}
