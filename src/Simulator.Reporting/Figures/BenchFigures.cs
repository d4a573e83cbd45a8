using System.Globalization;
using ScottPlot;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Figures of a bench: throughput against population size (log-log, one line per stage) and a
/// roofline placing each stage against the bandwidth and FMA ceilings measured in the same run.
/// Axes hold log10 of the values with labels in the values themselves.
/// </summary>
public static class BenchFigures
{
    public static IReadOnlyList<RenderedFigure> RenderAll(BenchResult bench)
    {
        var figures = new List<RenderedFigure>();
        foreach (var group in bench.Sizes.GroupBy(s => s.Items).OrderBy(g => g.Key))
        {
            var sizes = group.OrderBy(s => s.Users).ToList();
            if (sizes.Count >= 2)
            {
                figures.Add(Throughput(bench, group.Key, sizes));
            }
        }

        figures.Add(Roofline(bench, bench.Sizes.OrderBy(s => (long)s.Users * s.Items).Last()));
        return figures;
    }

    private static RenderedFigure Throughput(BenchResult bench, int items, IReadOnlyList<SizeResult> sizes)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            // Stages every size measured (the CPU's int8 prefilter stage runs only where it applies).
            var names = sizes[0].Stages.Select(s => s.Name).Where(n => sizes.All(s => s.Stages.Any(x => x.Name == n))).ToList();
            for (var i = 0; i < names.Count; i++)
            {
                var xs = sizes.Select(s => Math.Log10(s.Users)).ToArray();
                var ys = sizes.Select(s => Math.Log10(s.Stages.First(x => x.Name == names[i]).UserStepsPerSecond)).ToArray();
                var line = plot.Add.Scatter(xs, ys);
                line.LegendText = names[i];
                line.Color = StrategyPalette.ColorOf(i);
                line.LinePattern = StrategyPalette.PatternOf(i);
                line.LineWidth = names[i] == "tick" ? 3 : 2;
                line.MarkerSize = 7;
            }

            LogAxes(plot);
            var title = string.Create(CultureInfo.InvariantCulture, $"Throughput vs population ({bench.DeviceKind}, M = {items:N0} items)");
            plot.Title(title);
            plot.XLabel("users N");
            plot.YLabel("user-steps per second");
            plot.ShowLegend(Alignment.LowerLeft);
            return FigureStyle.Render(plot, $"throughput_m{items}", title, $"Each stage's user-steps per second on {bench.DeviceName}; a flat line is linear cost in N.");
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static RenderedFigure Roofline(BenchResult bench, SizeResult size)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            // The int8 prefilter is timed apart and counts int8 operations: it has no place on an fp32 roofline.
            var stages = size.Stages.Where(s => s.Name is not ("tick" or "prefilter_int8")).ToList();
            var minAi = Math.Min(0.05, stages.Min(s => s.ArithmeticIntensity) / 2);
            var maxAi = Math.Max(1000, stages.Max(s => s.ArithmeticIntensity) * 2);
            var bandwidth = bench.Probes.CopyGbPerSecond;
            var peak = bench.Probes.GflopPerSecond;

            // Ceiling: min(bandwidth x intensity, peak); bandwidth alone where no FMA probe ran.
            var ceilingX = new List<double>();
            var ceilingY = new List<double>();
            for (var x = Math.Log10(minAi); x <= Math.Log10(maxAi) + 1e-9; x += 0.05)
            {
                var roof = bandwidth * Math.Pow(10, x);
                ceilingX.Add(x);
                ceilingY.Add(Math.Log10(peak is double p ? Math.Min(roof, p) : roof));
            }

            var ceiling = plot.Add.Scatter(ceilingX.ToArray(), ceilingY.ToArray());
            ceiling.MarkerSize = 0;
            ceiling.LineWidth = 2;
            ceiling.Color = Colors.Black;
            ceiling.LegendText = peak is double g
                ? string.Create(CultureInfo.InvariantCulture, $"roof: {bandwidth:F1} GB/s, {g:F0} GFLOP/s")
                : string.Create(CultureInfo.InvariantCulture, $"roof: {bandwidth:F1} GB/s (no FMA probe)");

            for (var i = 0; i < stages.Count; i++)
            {
                var s = stages[i];
                var point = plot.Add.Scatter(new[] { Math.Log10(s.ArithmeticIntensity) }, new[] { Math.Log10(s.GflopPerSecond) });
                point.LegendText = string.Create(CultureInfo.InvariantCulture, $"{s.Name}: {s.GflopPerSecond:G3} GFLOP/s at {s.ArithmeticIntensity:G3} op/B");
                point.Color = StrategyPalette.ColorOf(i);
                point.MarkerSize = 12;
                point.LineWidth = 0;
            }

            LogAxes(plot);
            var title = string.Create(CultureInfo.InvariantCulture, $"Roofline ({bench.DeviceKind}, N = {size.Users:N0}, M = {size.Items:N0})");
            plot.Title(title);
            plot.XLabel("arithmetic intensity (operations per byte)");
            plot.YLabel("achieved GFLOP/s");
            plot.ShowLegend(Alignment.LowerRight);
            return FigureStyle.Render(plot, "roofline", title, $"Each stage against the copy bandwidth and FMA rate measured in the same run on {bench.DeviceName}.");
        }
        finally
        {
            plot.Dispose();
        }
    }

    /// <summary>Both axes hold log10 values: integer ticks labelled with the value, log-spaced minor ticks.</summary>
    internal static void LogAxes(Plot plot)
    {
        static string Label(double exponent) => Math.Pow(10, exponent).ToString("G3", CultureInfo.InvariantCulture);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = Label,
        };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = Label,
        };
    }
}
