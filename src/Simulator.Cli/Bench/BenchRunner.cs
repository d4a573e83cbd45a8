using System.Diagnostics;
using System.Runtime.InteropServices;
using Simulator.Core.Compute;

using Simulator.Core.Results;
using Simulator.Gpu;

namespace Simulator.Cli.Bench;

/// <summary>Times each stage of <see cref="BenchWorkload"/>: warm-up (see <see cref="WarmUpTime"/>), then repetitions, engine synchronised around each.</summary>
public static class BenchRunner
{
    /// <summary>
    /// Each stage runs untimed until this much time has passed (at least once, at most
    /// <see cref="MaxWarmUps"/> times): long enough for the JIT to replace tier-0 code with the
    /// optimised tier, so the medians measure the steady state a long simulation runs in.
    /// </summary>
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(0.5);

    private const int MaxWarmUps = 10;

    /// <summary>The stage timing the CPU engine's int8 prefilter alone: not part of the tick, its rate in int8 GOPS.</summary>
    public const string PrefilterStage = "prefilter_int8";

    /// <summary>The stage timing an ILGPU engine's int8-prefiltered score + top-k (d &lt;= 32): not part of the tick.</summary>
    public const string GpuPrefilterStage = "score_topk_prefiltered";

    /// <summary>Stages timed beside the tick rather than in it.</summary>
    public static bool OutsideTick(string stage) => stage is PrefilterStage or GpuPrefilterStage or "population";

    public static SizeResult Measure(BenchWorkload w, int repetitions, CancellationToken cancel)
    {
        long n = w.Users;
        long d = w.Dim;
        long m = w.Items;
        long k = w.K;
        var hidden = BenchWorkload.Hidden;
        var tick = 1;
        StageResult Time(string name, StageBound bound, double flops, double bytes, Action run, Action? untimedAfter = null) =>
            new(name, bound, flops, bytes, Repetitions(w.Engine, repetitions, run, cancel, () =>
            {
                untimedAfter?.Invoke();
                tick++;
            }), w.Users);

        // Work counted per stage, as operations and as bytes (transcendentals count as one op).
        // Decay: per element ~8 ops; reads peak, lastEngaged, preference, writes interest (16 B),
        // plus two per-user parameters. MLP and scoring: 2 ops per multiply-add; bytes are the
        // rows read and written once (weights and items stay in cache). Choice: per slate item a
        // d-dot product and ~6 ops for logit, Gumbel and softmax. Reinforce: per user the choice,
        // the slate entry and topic, and a read-modify-write of peak and lastEngaged.
        var decayBytes = (n * d * 16.0) + (n * 8.0);
        var mlpFlops = 2.0 * n * ((d * hidden) + (hidden * d));
        var scoreFlops = 2.0 * n * m * d;
        var choiceFlops = n * k * ((2.0 * d) + 6.0);
        var cpu = w.Engine as CpuEngine;
        var stages = new List<StageResult>
        {
            Time("decay", StageBound.Memory, n * d * 8.0, decayBytes, () => w.Decay(tick)),
            Time("mlp", StageBound.Compute, mlpFlops, n * d * 8.0, w.Mlp),
        };

        // Survivor share over the timed score + top-k runs (warm-up included: the data do not change).
        cpu?.ResetPrefilterCounters();
        stages.Add(Time("score_topk", StageBound.Compute, scoreFlops, (n * d * 4.0) + (n * k * 8.0), w.ScoreTopK));
        double? survivorShare = cpu is { PrefilterPairs: > 0 } c ? (double)c.PrefilterSurvivors / c.PrefilterPairs : null;
        stages.Add(Time("choice", StageBound.Compute, choiceFlops, n * ((d * 4.0) + (k * 12.0) + 16.0), () => w.Choice(tick)));
        stages.Add(Time("reinforce", StageBound.Memory, n * 10.0, n * 28.0, () => w.Reinforce(tick)));
        stages.Add(Time("tick", StageBound.Compute, stages.Sum(s => s.Flops), stages.Sum(s => s.Bytes), () => w.Tick(tick)));

        // Not part of the tick: the int8 prefilter of score + top-k alone (quantisation, int8 dot
        // products, thresholds, survivor counts), its rate in int8 operations (2 per multiply-add).
        if (survivorShare is not null && w.Prefilter())
        {
            stages.Add(Time(PrefilterStage, StageBound.Compute, scoreFlops, (n * d * 4.0) + (m * d), () => w.Prefilter()));
        }

        // Not part of the tick, on an ILGPU engine: the same score + top-k behind the int8
        // prefilter, checked bit for bit against the fp32 kernel's slates and scores.
        var gpu = w.Engine is IlgpuEngine g && w.Dim <= 32 ? GpuPrefilter(w, g, stages, repetitions, scoreFlops, (n * d * 4.0) + (n * k * 8.0), cancel) : null;

        // Not part of the tick: building a population (initial logits, preferences, per-user
        // traits, all keyed draws) for a run. Bytes are the columns it writes. Each finished
        // population is collected outside the timing, so at most one is alive next to the
        // workload and the bench's peak memory grows by one population, not by several.
        var population = PopulationWorkload.Scenario(w.Users, w.Dim);
        stages.Add(Time(
            "population",
            StageBound.Memory,
            n * d * 40.0,
            PopulationWorkload.BytesWritten(n, d),
            () => PopulationWorkload.Build(w.Engine, population),
            () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false)));
        return new SizeResult(w.Users, w.Items, w.Dim, w.K, stages)
        {
            ScorePath = cpu?.ScorePath ?? (w.Engine is IlgpuEngine ? "fp32" : null),
            SurvivorShare = survivorShare ?? gpu?.SurvivorShare,
            GpuPrefilterPath = gpu?.Path,
            GpuPrefilterMatchesFp32 = gpu?.Matches,
            GpuPrefilterError = gpu?.Error,
        };
    }

    private sealed record GpuPrefilterOutcome(string Path, double? SurvivorShare, bool? Matches, string? Error);

    /// <summary>
    /// Times score + top-k with the engine's int8 prefilter on (the fp32 kernel's slates and scores
    /// downloaded first, compared after). A failure (a driver refusing the kernel) is recorded, not
    /// thrown: the rest of the bench stands.
    /// </summary>
    private static GpuPrefilterOutcome GpuPrefilter(BenchWorkload w, IlgpuEngine gpu, List<StageResult> stages, int repetitions, double flops, double bytes, CancellationToken cancel)
    {
        w.ScoreTopK();
        w.TopItems.Download();
        w.TopScores.Download();
        var fp32Items = (int[])w.TopItems.Host.Clone();
        var fp32Scores = (float[])w.TopScores.Host.Clone();
        gpu.Int8Prefilter = true;
        try
        {
            gpu.ResetPrefilterCounters();
            stages.Add(new StageResult(GpuPrefilterStage, StageBound.Compute, flops, bytes, Repetitions(gpu, repetitions, w.ScoreTopK, cancel), w.Users));
            double? share = gpu.PrefilterPairs > 0 ? (double)gpu.PrefilterSurvivors / gpu.PrefilterPairs : null;
            w.TopItems.Download();
            w.TopScores.Download();
            var matches = fp32Items.AsSpan().SequenceEqual(w.TopItems.Host)
                && MemoryMarshal.Cast<float, int>(fp32Scores).SequenceEqual(MemoryMarshal.Cast<float, int>(w.TopScores.Host));
            return new GpuPrefilterOutcome(gpu.ScorePath, share, share is null ? null : matches, share is null ? "the prefilter did not run at this size" : null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new GpuPrefilterOutcome(gpu.ScorePath, null, null, ex.Message);
        }
        finally
        {
            gpu.Int8Prefilter = false;
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> untimed until <see cref="WarmUpTime"/> has passed (at least once,
    /// at most <see cref="MaxWarmUps"/> times), then <paramref name="repetitions"/> timed runs, the
    /// engine synchronised around each; <paramref name="afterEach"/> runs after every run, untimed.
    /// Returns the timed runs' seconds.
    /// </summary>
    public static List<double> Repetitions(IComputeEngine engine, int repetitions, Action run, CancellationToken cancel, Action? afterEach = null)
    {
        var seconds = new List<double>();
        var warmUp = Stopwatch.StartNew();
        for (var r = 0; r < MaxWarmUps && (r == 0 || warmUp.Elapsed < WarmUpTime); r++)
        {
            Once();
        }

        for (var r = 0; r < repetitions; r++)
        {
            seconds.Add(Once());
        }

        return seconds;

        double Once()
        {
            cancel.ThrowIfCancellationRequested();
            engine.Synchronize();
            var clock = Stopwatch.StartNew();
            run();
            engine.Synchronize();
            var elapsed = clock.Elapsed.TotalSeconds;
            afterEach?.Invoke();
            return elapsed;
        }
    }
}
