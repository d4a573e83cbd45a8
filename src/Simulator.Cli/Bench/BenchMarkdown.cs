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
            b.AppendLine();
            b.AppendLine("| stage | median s | min s | max s | user-steps/s | rate | fraction of limit |");
            b.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var s in size.Stages)
            {
                var unit = s.Bound == StageBound.Memory ? "GB/s" : "GFLOP/s";
                var fraction = BenchJson.FractionOfLimit(s, size, probes) is double f ? f.ToString("P0", c) : "n/a";
                b.AppendLine(c, $"| {s.Name} | {s.MedianSeconds:F4} | {s.MinSeconds:F4} | {s.MaxSeconds:F4} | {s.UserStepsPerSecond:E3} | {s.Rate:F1} {unit} | {fraction} |");
            }
        }

        return b.ToString();
    }
}
