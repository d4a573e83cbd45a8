using System.Globalization;
using MathNet.Numerics.Statistics;
using ScottPlot;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Parameter recovery: each user's true forgetting rate against the rate a strategy fitted from
/// that user's history, one colour per forgetting-fitting strategy, both axes logarithmic
/// (rates spread over orders of magnitude under log-normal heterogeneity). Only the ranking is
/// claimed by the fit, so the legend gives Spearman's rank correlation, not a slope.
/// </summary>
public static class ParameterRecoveryFigure
{
    public const string Name = "parameter_recovery";

    /// <summary>One strategy's fitted-vs-true pairs (users without an estimate already removed).</summary>
    public sealed record Points(string Strategy, double[] TrueRate, double[] FittedRate);

    /// <summary>Renders the scatter, or null when no strategy fitted forgetting.</summary>
    public static RenderedFigure? Render(RunResult run, IReadOnlyList<Points> strategies)
    {
        var drawn = strategies.Where(p => Positive(p).Length > 0).ToArray();
        if (drawn.Length == 0)
        {
            return null;
        }

        var plot = FigureStyle.CreatePlot();
        try
        {
            foreach (var points in drawn)
            {
                var index = run.StrategyIndex(points.Strategy);
                var color = StrategyPalette.ColorOf(index < 0 ? 0 : index);
                var pairs = Positive(points);
                var xs = pairs.Select(p => Math.Log10(p.True)).ToArray();
                var ys = pairs.Select(p => Math.Log10(p.Fitted)).ToArray();
                var scatter = plot.Add.ScatterPoints(xs, ys, color.WithAlpha(0.55));
                scatter.MarkerSize = 4;
                var rho = Correlation.Spearman(points.TrueRate, points.FittedRate);
                scatter.LegendText = $"{points.Strategy} (Spearman {rho.ToString("F2", CultureInfo.InvariantCulture)}, n={points.TrueRate.Length.ToString(CultureInfo.InvariantCulture)})";
            }

            // Decades as tick labels: log10 values drawn, rates shown.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
            };
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
            };
            var title = $"parameter recovery: fitted vs true forgetting rate ({run.ScenarioName})";
            plot.Title(title);
            plot.XLabel("true forgetting rate (1 / time scale, per tick, log scale)");
            plot.YLabel("fitted forgetting rate (strategy's units, log scale)");
            plot.ShowLegend(Edge.Right);
            var caption = "One point per user (a deterministic sample per seed): the user's true forgetting rate (1 / the curve's time "
                + "scale) against the rate the strategy fitted from the user's observed history. Strategies parameterise forgetting "
                + "in their own units, so only the ordering is comparable: Spearman's rank correlation in the legend (1 = perfect "
                + "ranking of users by forgetting speed, 0 = none). Users without an estimate are left out.";
            return FigureStyle.Render(plot, Name, title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    // Log axes need positive rates; a fit that collapsed to 0 is still counted in Spearman but not drawn.
    private static (double True, double Fitted)[] Positive(Points points) =>
        points.TrueRate.Zip(points.FittedRate).Where(p => p.First > 0 && p.Second > 0 && double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
}
