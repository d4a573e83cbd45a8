using System.Globalization;
using System.Text;
using Simulator.Core.Compute;

using Simulator.Core.Results;

namespace Simulator.Cli.Bench;

/// <summary>bench.md: the bench results as a Markdown table per size.</summary>
public static class BenchMarkdown
{
    public static string Render(EngineInfo engine, BenchProbes probes, IReadOnlyList<SizeResult> sizes, double peakRssMb)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"# bench: {engine.Kind} ({engine.DeviceName})");
        b.AppendLine();
        b.AppendLine(c, $"Probes: copy {probes.CopyGbPerSecond:F1} GB/s ({probes.CopyProbe}); FMA {(probes.GflopPerSecond is double g ? g.ToString("F1", c) : "n/a")} GFLOP/s ({probes.FlopProbe}). Peak RSS {peakRssMb:F0} MB.");
        foreach (var size in sizes)
        {
            b.AppendLine();
            b.AppendLine(c, $"## N = {size.Users:N0} users, M = {size.Items:N0} items, d = {size.Dim}, k = {size.K}");
            if (size.ScorePath is { } path)
            {
                var share = size.SurvivorShare is double s0 && size.GpuPrefilterPath is null ? $"; survivors of the int8 prefilter: {s0.ToString("P2", c)} of (user, item) pairs" : string.Empty;
                var gops = size.Stages.FirstOrDefault(s1 => s1.Name == BenchRunner.PrefilterStage) is { } p ? $"; prefilter alone {p.Rate.ToString("F1", c)} GOPS (int8, beside the FMA probe's {(probes.GflopPerSecond is double g0 ? g0.ToString("F1", c) : "n/a")} GFLOP/s)" : string.Empty;
                b.AppendLine();
                b.AppendLine(c, $"Score + top-k: {path}{share}{gops}.");
            }

            if (size.GpuPrefilterPath is { } gpuPath)
            {
                var outcome = size.GpuPrefilterError is { } error
                    ? $"did not run: {error}"
                    : $"{(size.GpuPrefilterMatchesFp32 == true ? "slates and scores identical to score_topk's" : "slates or scores DIFFER from score_topk's")}; survivors {size.SurvivorShare?.ToString("P2", c) ?? "n/a"} of (user, item) pairs";
                b.AppendLine();
                b.AppendLine(c, $"score_topk_prefiltered ({gpuPath}, beside the tick): {outcome}.");
            }

            b.AppendLine();
            b.AppendLine("| stage | median s | min s | max s | user-steps/s | rate | fraction of limit |");
            b.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var s in size.Stages)
            {
                var unit = s.Bound == StageBound.Memory ? "GB/s" : s.Name == BenchRunner.PrefilterStage ? "GOPS" : "GFLOP/s";
                var fraction = BenchJson.FractionOfLimit(s, size, probes) is double f ? f.ToString("P0", c) : "n/a";
                b.AppendLine(c, $"| {s.Name} | {s.MedianSeconds:F4} | {s.MinSeconds:F4} | {s.MaxSeconds:F4} | {s.UserStepsPerSecond:E3} | {s.Rate:F1} {unit} | {fraction} |");
            }
        }

        return b.ToString();
    }
}
