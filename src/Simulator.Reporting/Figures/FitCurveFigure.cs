using ScottPlot;
using Simulator.Core.Fitting;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Fitted vs observed forgetting: the observed rate per bin of elapsed time (click rate of
/// impressions, or re-engagement hazard of gaps) as markers, and each fitted family's predicted
/// rate in the same bins as a line, so a reader sees which family follows the data.
/// </summary>
public static class FitCurveFigure
{
    public static RenderedFigure Render(string logName, string unitName, string rateName, IReadOnlyList<(string Label, RateBins Bins)> families)
    {
        var plot = FigureStyle.CreatePlot();
        try
        {
            var first = families[0].Bins;
            var centres = Enumerable.Range(0, first.Observed.Length).Select(b => (first.Edges[b] + first.Edges[b + 1]) / 2).ToArray();
            var (ox, oy) = Finite(centres, first.Observed);
            var observed = plot.Add.ScatterPoints(ox, oy, Color.FromHex("#000000"));
            observed.MarkerSize = 7;
            observed.LegendText = "observed";
            for (var f = 0; f < families.Count; f++)
            {
                var (fx, fy) = Finite(centres, families[f].Bins.Fitted);
                var line = plot.Add.ScatterLine(fx, fy, StrategyPalette.ColorOf(f));
                line.LineWidth = 2;
                line.MarkerSize = 0;
                line.LegendText = families[f].Label;
            }

            var title = $"forgetting fit: {rateName} vs time since last engagement ({logName})";
            plot.Title(title);
            plot.XLabel($"time since last engagement with the topic ({unitName})");
            plot.YLabel(rateName);
            plot.ShowLegend(Edge.Right);
            var caption = $"Observed {rateName} per bin of time since the history last engaged the topic (points) and the rate each "
                + "maximum-likelihood fit predicts for the same rows (lines); the family with the lowest AIC is marked (best).";
            return FigureStyle.Render(plot, "fit_curves", title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static (double[] X, double[] Y) Finite(double[] xs, double[] ys)
    {
        var keep = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(ys[i])).ToArray();
        return (keep.Select(i => xs[i]).ToArray(), keep.Select(i => ys[i]).ToArray());
    }
}
