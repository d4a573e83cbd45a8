using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Simulator.Core.Results;
using Simulator.Core.Statistics;

namespace Simulator.Cli.Bench;

/// <summary>
/// The machine's own limits, measured in the same run as the stages: copy bandwidth (bytes read
/// plus bytes written per second, all threads) and FMA throughput (register-resident, all threads).
/// </summary>
public static class CpuProbes
{
    /// <remarks>
    /// The buffers live outside the GC heap and are returned to the system before the stages
    /// run. As GC arrays they became 512 MiB of garbage that the GC handed back to the system
    /// gradually while the stages after the probe were being timed: the decay stage measured
    /// after the managed probe was about a fifth slower than after the native one.
    /// </remarks>
    public static unsafe double CopyGbPerSecond(int threads, long bytes, int repetitions)
    {
        var count = bytes / sizeof(float);
        var source = (float*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        var target = (float*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        try
        {
            Fill(source, count, 1f);
            Fill(target, count, 0f);
            var chunks = threads * 16;
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            var times = new List<double>();
            for (var r = 0; r <= repetitions; r++)
            {
                var clock = Stopwatch.StartNew();
                Parallel.For(0, chunks, options, c =>
                {
                    var start = c * count / chunks;
                    var end = (c + 1) * count / chunks;
                    new ReadOnlySpan<float>(source + start, (int)(end - start)).CopyTo(new Span<float>(target + start, (int)(end - start)));
                });
                if (r > 0)
                {
                    times.Add(clock.Elapsed.TotalSeconds);
                }
            }

            return 2.0 * bytes / Quantiles.Median(times) / 1e9;
        }
        finally
        {
            NativeMemory.AlignedFree(source);
            NativeMemory.AlignedFree(target);
        }
    }

    /// <summary>Writes every element once, in int-sized pieces (a Span holds at most int.MaxValue elements).</summary>
    private static unsafe void Fill(float* start, long count, float value)
    {
        for (long i = 0; i < count; i += int.MaxValue)
        {
            new Span<float>(start + i, (int)Math.Min(int.MaxValue, count - i)).Fill(value);
        }
    }

    /// <summary>Peak FMA rate: 12 independent accumulator chains per thread hide FMA latency.</summary>
    public static double FmaGflopPerSecond(int threads, int repetitions)
    {
        const int iterations = 20_000_000;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var times = new List<double>();
        var sink = new float[threads];
        for (var r = 0; r <= repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, options, t => sink[t] = FmaLoop(iterations, t));
            if (r > 0)
            {
                times.Add(clock.Elapsed.TotalSeconds);
            }
        }

        var flops = (double)threads * iterations * 12 * Vector256<float>.Count * 2;
        return flops / Quantiles.Median(times) / 1e9;
    }


    private static Vector256<float> Fmadd(Vector256<float> c, Vector256<float> a, Vector256<float> b) =>
        Fma.IsSupported ? Fma.MultiplyAdd(c, a, b) : (c * a) + b;

    private static float FmaLoop(int iterations, int seed)
    {
        var a = Vector256.Create(1.0000001f);
        var b = Vector256.Create(1e-7f * (seed + 1));
        var c0 = Vector256.Create(0.1f);
        var c1 = c0 + b;
        var c2 = c1 + b;
        var c3 = c2 + b;
        var c4 = c3 + b;
        var c5 = c4 + b;
        var c6 = c5 + b;
        var c7 = c6 + b;
        var c8 = c7 + b;
        var c9 = c8 + b;
        var c10 = c9 + b;
        var c11 = c10 + b;
        for (var i = 0; i < iterations; i++)
        {
            c0 = Fmadd(c0, a, b);
            c1 = Fmadd(c1, a, b);
            c2 = Fmadd(c2, a, b);
            c3 = Fmadd(c3, a, b);
            c4 = Fmadd(c4, a, b);
            c5 = Fmadd(c5, a, b);
            c6 = Fmadd(c6, a, b);
            c7 = Fmadd(c7, a, b);
            c8 = Fmadd(c8, a, b);
            c9 = Fmadd(c9, a, b);
            c10 = Fmadd(c10, a, b);
            c11 = Fmadd(c11, a, b);
        }

        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector256.Sum(sum);
    }
}
