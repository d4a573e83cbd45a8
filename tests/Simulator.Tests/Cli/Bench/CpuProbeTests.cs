using Simulator.Cli.Bench;

namespace Simulator.Tests.Cli.Bench;

public sealed class CpuProbeTests
{
    [Theory]
    [InlineData(1, 4L << 20)]
    [InlineData(2, (3L << 20) + 12)] // not a whole number of the 32 chunks' floats
    public void Copy_probe_reports_a_finite_positive_bandwidth_for_any_size(int threads, long bytes)
    {
        var gbPerSecond = CpuProbes.CopyGbPerSecond(threads, bytes, 2);
        Assert.True(double.IsFinite(gbPerSecond) && gbPerSecond > 0, $"{gbPerSecond} GB/s");
    }
}
