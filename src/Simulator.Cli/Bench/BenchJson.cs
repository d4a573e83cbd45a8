using System.Text;
using System.Text.Json;
using Simulator.Core.Compute;
using Simulator.Core.Results;

namespace Simulator.Cli.Bench;

/// <summary>
/// bench.json: probes, per-stage results at the largest size (`stages`), every size (`sweep`),
/// log-log scaling slopes, the sequence models' stages and size sweep (`sequence`), device and peak memory. Stage entries hold median_s, min_s, max_s,
/// user_steps_per_s, gb_per_s or gflop_per_s, and fraction_of_limit.
/// </summary>
public static class BenchJson
{
    public static string Write(EngineInfo engine, BenchProbes probes, IReadOnlyList<SizeResult> sizes, int repetitions, double peakRssMb) =>
        Write(engine, probes, sizes, repetitions, peakRssMb, null);

    /// <summary>As above, with the remote stage (`remote`) when it ran.</summary>
    internal static string Write(EngineInfo engine, BenchProbes probes, IReadOnlyList<SizeResult> sizes, int repetitions, double peakRssMb, IReadOnlyList<RemoteStageResult>? remote, SequenceBenchResult? sequence = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("workload", "tick: sigmoid decay + MLP d-64-d + fused score/top-k + MNL choice + reinforce");
            w.WriteStartObject("device");
            w.WriteString("kind", engine.Kind);
            w.WriteString("name", engine.DeviceName);
            w.WriteNumber("parallelism", engine.Parallelism);
            w.WriteEndObject();
            w.WriteNumber("repetitions", repetitions);
            w.WriteStartObject("probes");
            w.WriteNumber("copy_gb_per_s", probes.CopyGbPerSecond);
            if (probes.GflopPerSecond is double g)
            {
                w.WriteNumber("gflop_per_s", g);
            }
            else
            {
                w.WriteNull("gflop_per_s");
            }

            w.WriteString("copy_probe", probes.CopyProbe);
            w.WriteString("flop_probe", probes.FlopProbe);
            w.WriteEndObject();

            var largest = sizes.OrderBy(s => (long)s.Users * s.Items).Last();
            WriteSize(w, largest, probes, writeHeader: true);
            w.WriteStartArray("sweep");
            foreach (var size in sizes)
            {
                w.WriteStartObject();
                WriteSize(w, size, probes, writeHeader: true);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteScaling(w, sizes);
            if (remote is not null)
            {
                RemoteBench.Write(w, remote);
            }

            if (sequence is not null)
            {
                SequenceBench.Write(w, sequence, probes);
            }

            w.WriteNumber("peak_rss_mb", peakRssMb);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// Roofline time of the five stages: each at the slower of its bytes at the copy bandwidth and
    /// its operations at the FMA rate. Tick's fraction of limit is this over its measured time.
    /// The population stage is not part of a tick.
    /// </summary>
    public static double? RooflineSeconds(SizeResult size, BenchProbes probes)
    {
        if (probes.GflopPerSecond is not double flops)
        {
            return null;
        }

        return size.Stages.Where(s => s.Name != "tick" && !BenchRunner.OutsideTick(s.Name))
            .Sum(s => Math.Max(s.Bytes / (probes.CopyGbPerSecond * 1e9), s.Flops / (flops * 1e9)));
    }

    public static double? FractionOfLimit(StageResult stage, SizeResult size, BenchProbes probes)
    {
        if (stage.Name == BenchRunner.PrefilterStage)
        {
            return null;
        }

        if (stage.Name == "tick")
        {
            return RooflineSeconds(size, probes) is double roof ? roof / stage.MedianSeconds : null;
        }

        return stage.Bound == StageBound.Memory
            ? stage.Rate / probes.CopyGbPerSecond
            : probes.GflopPerSecond is double g ? stage.Rate / g : null;
    }

    private static void WriteSize(Utf8JsonWriter w, SizeResult size, BenchProbes probes, bool writeHeader)
    {
        if (writeHeader)
        {
            w.WriteNumber("users", size.Users);
            w.WriteNumber("items", size.Items);
            w.WriteNumber("dim", size.Dim);
            w.WriteNumber("k", size.K);
        }

        if (size.ScorePath is { } path)
        {
            w.WriteString("score_path", path);
        }

        if (size.SurvivorShare is double share)
        {
            w.WriteNumber("survivor_share", share);
        }

        if (size.GpuPrefilterPath is { } gpuPath)
        {
            w.WriteString("gpu_prefilter_path", gpuPath);
        }

        if (size.GpuPrefilterMatchesFp32 is bool matches)
        {
            w.WriteBoolean("gpu_prefilter_matches_fp32", matches);
        }

        if (size.GpuPrefilterError is { } error)
        {
            w.WriteString("gpu_prefilter_error", error);
        }

        if (size.Stages.FirstOrDefault(s => s.Name == BenchRunner.PrefilterStage) is { } prefilter)
        {
            w.WriteNumber("prefilter_int8_gops", prefilter.Rate);
        }

        w.WriteStartObject("stages");
        foreach (var stage in size.Stages)
        {
            w.WriteStartObject(stage.Name);
            w.WriteNumber("median_s", stage.MedianSeconds);
            w.WriteNumber("min_s", stage.MinSeconds);
            w.WriteNumber("max_s", stage.MaxSeconds);
            w.WriteNumber("user_steps_per_s", stage.UserStepsPerSecond);
            w.WriteNumber(stage.Bound == StageBound.Memory ? "gb_per_s" : stage.Name == BenchRunner.PrefilterStage ? "gops" : "gflop_per_s", stage.Rate);
            if (FractionOfLimit(stage, size, probes) is double f)
            {
                w.WriteNumber("fraction_of_limit", f);
            }
            else
            {
                w.WriteNull("fraction_of_limit");
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// Log-log slope of stage time against N (at the largest M measured) and against M (at the
    /// largest N), where a sweep varied them; 1 means linear cost.
    /// </summary>
    private static void WriteScaling(Utf8JsonWriter w, IReadOnlyList<SizeResult> sizes)
    {
        w.WriteStartObject("scaling");
        foreach (var (label, key, other) in new (string, Func<SizeResult, int>, Func<SizeResult, int>)[]
                 {
                     ("time_vs_users_slope", s => s.Users, s => s.Items),
                     ("time_vs_items_slope", s => s.Items, s => s.Users),
                 })
        {
            var groups = sizes.GroupBy(other).Where(g => g.Select(key).Distinct().Count() >= 2).ToList();
            if (groups.Count == 0)
            {
                continue;
            }

            // The largest fixed size: there the stage's own cost dominates its fixed overheads.
            var group = groups.OrderByDescending(g => g.Key).First().OrderBy(key).ToList();
            w.WriteStartObject(label);
            foreach (var stage in group[0].Stages.Select(s => s.Name))
            {
                var xs = group.Select(s => Math.Log(key(s))).ToArray();
                var ys = group.Select(s => Math.Log(s.Stages.First(x => x.Name == stage).MedianSeconds)).ToArray();
                w.WriteNumber(stage, Slope(xs, ys));
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static double Slope(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        var sxy = 0.0;
        var sxx = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }

        return sxy / sxx;
    }
}
