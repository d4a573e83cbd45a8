using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// The standard figure set of a run: every metric over time (so gini/coverage exposure and
/// tracking_error appear whenever the run has them), cumulative regret (when the run has a
/// <c>regret</c> metric), one drift recovery figure per drift event (when the run has an ndcg
/// metric), one summary bar chart per metric, the Lorenz curve of item exposure (when the run
/// counted exposures), the example-user panel (when a strategy estimates interest), the
/// parameter-recovery scatter (when a strategy fits per-user forgetting) and the learned-vs-true
/// retention (when a time-aware strategy ran).
/// </summary>
public static class ReportFigures
{
    /// <summary>Name of the per-tick regret metric that gets a cumulative figure.</summary>
    public const string RegretMetric = "regret";

    /// <summary>Drift recovery figures zoom into the first metric with this prefix (ndcg@k).</summary>
    public const string RecoveryMetricPrefix = "ndcg";

    /// <summary>At most this many drift recovery figures, so a run with many events stays readable.</summary>
    public const int MaxRecoveryFigures = 8;

    /// <summary>Renders all figures in memory, in a stable order (time series, cumulative, summaries).</summary>
    public static IReadOnlyList<RenderedFigure> RenderAll(RunResult run)
    {
        var figures = new List<RenderedFigure>(2 * run.Metrics.Count + 1);
        foreach (var metric in run.Metrics)
        {
            figures.Add(TimeSeriesFigure.RenderMetric(run, metric));
        }

        if (run.MetricIndex(RegretMetric) >= 0)
        {
            figures.Add(TimeSeriesFigure.RenderCumulative(run, RegretMetric));
        }

        // Drift recovery needs a ranking-quality metric; runs without one (or without events) skip it.
        var recoveryMetric = run.Metrics.FirstOrDefault(m => m.StartsWith(RecoveryMetricPrefix, StringComparison.OrdinalIgnoreCase));
        if (recoveryMetric is not null)
        {
            foreach (var tick in run.DriftEventTicks.Where(t => t >= 0 && t < run.Series.Ticks).Distinct().Order().Take(MaxRecoveryFigures))
            {
                figures.Add(TimeSeriesFigure.RenderDriftRecovery(run, recoveryMetric, tick));
            }
        }

        foreach (var metric in run.Metrics)
        {
            figures.Add(SummaryBarFigure.Render(run, metric));
        }

        if (LorenzFigure.Render(run) is { } lorenz)
        {
            figures.Add(lorenz);
        }

        figures.AddRange(ExampleUserFigure.RenderAll(run));
        if (ParameterRecoveryFigure.Render(run, RecoveryPoints(run)) is { } recovery)
        {
            figures.Add(recovery);
        }

        if (RetentionFigure.Render(run) is { } retention)
        {
            figures.Add(retention);
        }

        return figures;
    }

    /// <summary>Fitted-vs-true forgetting rates per strategy, in strategy order, all seeds pooled.</summary>
    private static IReadOnlyList<ParameterRecoveryFigure.Points> RecoveryPoints(RunResult run) =>
        run.Strategies
            .Select(name => run.ParameterRecoveryPoints.Where(p => p.Strategy == name).ToArray())
            .Where(points => points.Length > 0)
            .Select(points => new ParameterRecoveryFigure.Points(
                points[0].Strategy, points.Select(p => p.TrueRate).ToArray(), points.Select(p => p.FittedRate).ToArray()))
            .ToArray();

    /// <summary>
    /// Writes each figure as <c>&lt;directory&gt;/plots/&lt;name&gt;.png</c> and <c>.svg</c>;
    /// returns the figures so the caller can also build reports from them.
    /// </summary>
    public static IReadOnlyList<RenderedFigure> WriteAll(RunResult run, string directory)
    {
        var figures = RenderAll(run);
        Write(figures, Path.Combine(directory, "plots"));
        return figures;
    }

    /// <summary>Writes already rendered figures into <paramref name="plotsDirectory"/> (created if missing).</summary>
    public static void Write(IReadOnlyList<RenderedFigure> figures, string plotsDirectory)
    {
        Directory.CreateDirectory(plotsDirectory);
        foreach (var figure in figures)
        {
            File.WriteAllBytes(Path.Combine(plotsDirectory, figure.PngFileName), figure.Png);

            // UTF-8 without BOM so the SVG bytes are the same everywhere.
            File.WriteAllText(Path.Combine(plotsDirectory, figure.SvgFileName), figure.Svg, new System.Text.UTF8Encoding(false));
        }
    }
}
