using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>>? copy;

    /// <summary>
    /// Device-to-device copy bandwidth with our own grid-stride copy kernel: GB/s (10^9 bytes)
    /// counting bytes read plus bytes written, the median of <paramref name="repetitions"/> timed
    /// launches after one warm-up launch (which also pays the kernel compile).
    /// </summary>
    public double MeasureCopyGbPerSecond(long bytes, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 4L);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var floats = bytes / sizeof(float);
        var actualBytes = floats * sizeof(float);
        using var source = Allocate<float>(floats, actualBytes, "the copy probe's source");
        try
        {
            using var target = Allocate<float>(floats, actualBytes, "the copy probe's target");
            try
            {
                source.MemSetToZero();
                copy ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>>(CopyKernel.Kernel);
                var config = StrideConfig(floats);
                copy(config, source.View, target.View);
                Accelerator.Synchronize();
                var seconds = new double[repetitions];
                for (var r = 0; r < repetitions; r++)
                {
                    var start = Stopwatch.GetTimestamp();
                    copy(config, source.View, target.View);
                    Accelerator.Synchronize();
                    seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }

                Array.Sort(seconds);
                var median = repetitions % 2 == 1
                    ? seconds[repetitions / 2]
                    : 0.5 * (seconds[(repetitions / 2) - 1] + seconds[repetitions / 2]);
                return 2.0 * actualBytes / 1e9 / median;
            }
            finally
            {
                Release(actualBytes);
            }
        }
        finally
        {
            Release(actualBytes);
        }
    }
}
