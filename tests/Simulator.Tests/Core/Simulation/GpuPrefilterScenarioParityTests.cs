using Simulator.Core.Simulation;
using Simulator.Gpu;
using Simulator.Storage.RunFolders;

namespace Simulator.Tests.Core.Simulation;

/// <summary>
/// Every bundled scenario gives a byte-identical summary.json on an ILGPU engine (the CPU
/// accelerator: no GPU needed) with score + top-k behind the GPU's int8 prefilter and on its fp32
/// kernel. Populations are small and runs short: the CPU accelerator runs kernels slowly.
/// </summary>
public sealed class GpuPrefilterScenarioParityTests
{
    public static TheoryData<string> Scenarios() => PrefilterScenarioParityTests.Scenarios();

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Scenarios))]
    public void Bundled_scenarios_give_the_same_summary_with_and_without_the_gpu_prefilter(string file)
    {
        var scenario = PrefilterScenarioParityTests.Shortened(file, users: 80, seeds: 1, ticks: 4);
        Assert.True(IlgpuEngineFactory.TryCreate("ilgpu-cpu", out var engine, out var error), error);
        using (engine)
        {
            var expected = SummaryJson.Write(SimulationRunner.Run(scenario, engine!, new RunOptions { Threads = 2 }));
            engine!.Int8Prefilter = true;
            var actual = SummaryJson.Write(SimulationRunner.Run(scenario, engine, new RunOptions { Threads = 2 }));
            Assert.Equal(expected, actual);
            Assert.True(engine.PrefilterPairs > 0, "the prefilter did not run");
        }
    }
}
