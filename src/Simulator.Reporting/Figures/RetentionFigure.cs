using System.Globalization;
using ScottPlot;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// What the time-aware strategies learned about forgetting: each strategy's learned retention
/// against the gap since an engagement (thin lines per seed, a thick line for the mean over seeds)
/// drawn over the world's true population retention (black, dashed), with the median half-life of
/// each in the legend.
/// </summary>
public static class RetentionFigure
{
    public const string Name = "learned_retention";

    /// <summary>Renders the figure, or null when no time-aware strategy ran.</summary>
    public static RenderedFigure? Render(RunResult run)
    {
        if (run.Retention.Count == 0)
        {
            return null;
        }

        var plot = FigureStyle.CreatePlot();
        try
        {
            var gaps = run.Retention[0].Gaps.Select(g => (double)g).ToArray();
            foreach (var group in run.Retention.GroupBy(r => r.Strategy))
            {
                var index = run.StrategyIndex(group.Key);
                var color = StrategyPalette.ColorOf(index < 0 ? 0 : index);
                foreach (var curve in group)
                {
                    var seed = plot.Add.ScatterLine(gaps, curve.Learned.ToArray(), color.WithAlpha(0.35));
                    seed.LineWidth = 1;
                }

                var mean = Enumerable.Range(0, gaps.Length).Select(g => group.Average(c => c.Learned[g])).ToArray();
                var line = plot.Add.ScatterLine(gaps, mean, color);
                line.LineWidth = 2.5f;
                line.MarkerSize = 5;
                line.LegendText = $"{group.Key} learned (median half-life {HalfLifeText(group.Select(c => c.LearnedHalfLife))})";
            }

            var truth = Enumerable.Range(0, gaps.Length).Select(g => run.Retention.Average(c => c.True[g])).ToArray();
            var truthLine = plot.Add.ScatterLine(gaps, truth, Colors.Black);
            truthLine.LineWidth = 2;
            truthLine.LinePattern = LinePattern.Dashed;
            truthLine.LegendText = $"world, true (median half-life {HalfLifeText(run.Retention.Select(c => c.TrueHalfLife))})";

            var half = plot.Add.HorizontalLine(0.5, 1, Colors.Gray);
            half.LinePattern = LinePattern.Dotted;
            var title = $"learned vs true retention ({run.ScenarioName})";
            plot.Title(title);
            plot.XLabel("ticks since the engagement");
            plot.YLabel("retention (relative to the engagement's tick)");
            plot.ShowLegend(Edge.Right);
            var caption = "For each time-aware strategy, the click probability it gives the items of a user's latest engaged topic when "
                + "the user's own history is replayed with \"now\" that many ticks after the engagement, relative to the same at 0 ticks, "
                + "averaged over probed users (thin: each seed at its end; thick: mean over seeds). Dashed: the world's population "
                + "retention, b + (1 - b) R(gap) averaged over users. Half-lives are where a curve falls to 0.5 (dotted), "
                + "\"> last gap\" when it never does over the probed gaps.";
            return FigureStyle.Render(plot, Name, title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static string HalfLifeText(IEnumerable<double> halfLives)
    {
        var median = RetentionCurve.MedianHalfLife(halfLives);
        return double.IsNaN(median)
            ? $"> {RetentionCurve.ProbeGaps[^1].ToString(CultureInfo.InvariantCulture)} ticks"
            : $"{median.ToString("G3", CultureInfo.InvariantCulture)} ticks";
    }
}
