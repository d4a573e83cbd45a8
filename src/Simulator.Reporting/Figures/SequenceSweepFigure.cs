using System.Globalization;
using ScottPlot;

namespace Simulator.Reporting.Figures;

/// <summary>
/// The cost of a larger forgetting model as a curve: the attention readout's time per user and its
/// GFLOP/s against the model's parameter count (log-log), with the FMA probe of the same run as the
/// ceiling of the rate.
/// </summary>
public static class SequenceSweepFigure
{
    /// <param name="parameters">Each point's parameter count.</param>
    /// <param name="secondsPerUser">Each point's median readout time per user.</param>
    /// <param name="gflopPerSecond">Each point's rate.</param>
    /// <param name="fmaProbe">The machine's FMA probe in GFLOP/s, when measured.</param>
    /// <param name="device">The device, for the caption.</param>
    public static RenderedFigure Render(IReadOnlyList<long> parameters, IReadOnlyList<double> secondsPerUser, IReadOnlyList<double> gflopPerSecond, double? fmaProbe, string device)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            var xs = parameters.Select(p => Math.Log10(p)).ToArray();
            var time = plot.Add.Scatter(xs, secondsPerUser.Select(s => Math.Log10(s * 1e6)).ToArray());
            time.LegendText = "microseconds per user";
            time.Color = StrategyPalette.ColorOf(0);
            time.LineWidth = 2;
            time.MarkerSize = 7;
            var rate = plot.Add.Scatter(xs, gflopPerSecond.Select(Math.Log10).ToArray());
            rate.LegendText = "GFLOP/s";
            rate.Color = StrategyPalette.ColorOf(1);
            rate.LinePattern = StrategyPalette.PatternOf(1);
            rate.LineWidth = 2;
            rate.MarkerSize = 7;
            if (fmaProbe is double probe)
            {
                var ceiling = plot.Add.HorizontalLine(Math.Log10(probe));
                ceiling.LegendText = string.Create(CultureInfo.InvariantCulture, $"FMA probe ({probe:F0} GFLOP/s)");
                ceiling.Color = FigureStyle.DriftColor;
                ceiling.LinePattern = LinePattern.Dotted;
            }

            BenchFigures.LogAxes(plot);
            const string title = "Attention readout cost by model size";
            plot.Title(title);
            plot.XLabel("parameters");
            plot.YLabel("microseconds per user / GFLOP/s");
            plot.ShowLegend(Alignment.UpperLeft);
            return FigureStyle.Render(
                plot,
                "sequence_size_sweep",
                title,
                $"tisasrec's readout (one head) from about 10^4 to 10^7 parameters on {device}: time per user and the rate of its multiply-adds.");
        }
        finally
        {
            plot.Dispose();
        }
    }
}
