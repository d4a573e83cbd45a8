namespace Simulator.Gpu.Tests;

/// <summary>The parity checks on a CPU accelerator with 64-thread groups (the CUDA launch shapes).</summary>
[Collection(KernelCollection.Name)]
public sealed class WideCpuAcceleratorParityTests(WideCpuEngineFixture fixture) : ParityChecks, IClassFixture<WideCpuEngineFixture>
{
    protected override EngineFixture Fixture => fixture;

    [Fact]
    public void Groups_are_as_wide_as_on_a_gpu() => Assert.Equal(64, fixture.Engine!.Accelerator.MaxNumThreadsPerGroup);
}
