using System.Diagnostics;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Xunit.Abstractions;

namespace Simulator.Gpu.Tests;

/// <summary>
/// Timings of every operation at the GPU target size (N = 10M users, M = 10K items, d = 32,
/// k = 10, MLP 32->64->32) on the first CUDA device; skipped without one. Not a pass/fail
/// benchmark: it prints the numbers (run with <c>--filter Category=GpuPerf --logger
/// "console;verbosity=detailed"</c>) and only asserts that results are finite.
/// </summary>
// GpuPerf selects it on a CUDA machine; Slow keeps this full-size timing run out of
// `--filter "Category!=Slow"` runs.
[Trait("Category", "GpuPerf")]
[Trait("Category", "Slow")]
public sealed class CudaPerformanceProbe(CudaEngineFixture fixture, ITestOutputHelper output) : IClassFixture<CudaEngineFixture>
{
    [SkippableFact(Timeout = 540_000)]
    public Task Tick_at_10M_users_by_10K_items() => TestData.Run(() =>
    {
        Skip.If(fixture.Engine is null, fixture.Reason);
        var engine = fixture.Engine!;
        var users = int.TryParse(Environment.GetEnvironmentVariable("SIMULATOR_PROBE_USERS"), out var n) ? n : 10_000_000;
        const int items = 10_000, dim = 32, k = 10, hidden = 64;
        output.WriteLine($"device: {engine.Info.DeviceName}, {engine.Info.MemoryBytes / (1 << 20)} MiB, {engine.Info.Parallelism} SMs; users={users}");

        using var interest = engine.Bind(Fill(1, users * dim, -1f, 1f));
        using var peak = engine.Bind(Fill(2, users * dim, 0f, 1f));
        using var last = engine.Bind(new int[users * dim]);
        using var p1 = engine.Bind(Fill(3, users, 5f, 15f));
        using var p2 = engine.Bind(Fill(4, users, 0.5f, 2f));
        using var truth = engine.Bind(new float[users * dim]);
        using var itemVectors = engine.Bind(Fill(5, items * dim, -1f, 1f));
        using var bias = engine.Bind(Fill(6, items, -0.1f, 0.1f));
        using var quality = engine.Bind(Fill(7, items, 0f, 1f));
        using var topic = engine.Bind(Enumerable.Range(0, items).Select(i => i % dim).ToArray());
        using var w1 = engine.Bind(Fill(8, dim * hidden, -0.2f, 0.2f));
        using var b1 = engine.Bind(new float[hidden]);
        using var w2 = engine.Bind(Fill(9, hidden * dim, -0.2f, 0.2f));
        using var b2 = engine.Bind(new float[dim]);
        using var userVectors = engine.Bind(new float[users * dim]);
        using var topItems = engine.Bind(new int[users * k]);
        using var topScores = engine.Bind(new float[users * k]);
        using var chosen = engine.Bind(new int[users]);
        using var ctr = engine.Bind(new float[users]);
        using var probabilities = engine.Bind(new float[users * k]);
        using var dwell = engine.Bind(new float[users]);

        var decay = new DecayOperands(users, dim, ForgettingCurve.Sigmoid, peak, last, p1, p2, null, truth, 0.05f, 10, 1f);
        var mlp = new MlpOperands(users, [new MlpLayer(w1, b1, dim, hidden, Activation.Relu), new MlpLayer(w2, b2, hidden, dim, Activation.Linear)], interest, userVectors);
        var score = new ScoreTopKOperands(users, items, dim, k, userVectors, itemVectors, bias, topItems, topScores);
        var choice = new ChoiceOperands(users, items, dim, k, truth, topItems, itemVectors, quality, null, new ChoiceParameters(1f, 0.5f, 0.5f, 0.5f, 0.9f, 0f, 0.3f, 0.5f), 42UL, 10, chosen, ctr, probabilities, dwell);
        var reinforce = new ReinforceOperands(users, dim, k, ForgettingCurve.Sigmoid, peak, last, p1, p2, topItems, chosen, topic, 0.05f, 0.2f, 10, 1f);

        var decayMs = Time(engine, () => engine.Decay(decay));
        var mlpMs = Time(engine, () => engine.MlpForward(mlp));
        var scoreMs = Time(engine, () => engine.ScoreTopK(score));
        var choiceMs = Time(engine, () => engine.Choice(choice));
        var reinforceMs = Time(engine, () => engine.Reinforce(reinforce));
        var copyGbs = engine.MeasureCopyGbPerSecond(1L << 30, 5);
        var decayGbs = (double)users * dim * (4 + 4 + 4) / 1e9 / (decayMs / 1e3);
        output.WriteLine($"decay     {decayMs,9:F2} ms  {decayGbs:F0} GB/s (copy probe {copyGbs:F0} GB/s, ratio {decayGbs / copyGbs:P0})");
        output.WriteLine($"mlp       {mlpMs,9:F2} ms  {2.0 * users * ((dim * hidden) + (hidden * dim)) / 1e9 / (mlpMs / 1e3):F0} GFLOP/s");
        output.WriteLine($"scoreTopK {scoreMs,9:F2} ms  {2.0 * users * items * dim / 1e9 / (scoreMs / 1e3):F0} GFLOP/s");
        output.WriteLine($"choice    {choiceMs,9:F2} ms");
        output.WriteLine($"reinforce {reinforceMs,9:F2} ms");
        output.WriteLine($"tick      {decayMs + mlpMs + scoreMs + choiceMs + reinforceMs,9:F2} ms");

        topScores.Download();
        Assert.True(topScores.Host.Take(1000).All(float.IsFinite));
    });

    /// <summary>Median of 3 timed runs after one warm-up (which pays the JIT of the kernel).</summary>
    private static double Time(IComputeEngine engine, Action op)
    {
        op();
        engine.Synchronize();
        var ms = new double[3];
        for (var r = 0; r < ms.Length; r++)
        {
            var start = Stopwatch.GetTimestamp();
            op();
            engine.Synchronize();
            ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(ms);
        return ms[1];
    }

    /// <summary>Cheap deterministic fill (an LCG): 320M values must not take longer than the GPU work.</summary>
    private static float[] Fill(uint seed, int length, float low, float high)
    {
        var a = new float[length];
        var x = (seed * 2654435761u) | 1u;
        for (var i = 0; i < length; i++)
        {
            x = (x * 1664525u) + 1013904223u;
            a[i] = low + ((high - low) * ((x >> 8) * (1f / 16777216f)));
        }

        return a;
    }
}
