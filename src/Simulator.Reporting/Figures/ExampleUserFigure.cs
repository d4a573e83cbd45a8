using System.Globalization;
using ScottPlot;
using Simulator.Core.Results;

namespace Simulator.Reporting.Figures;

/// <summary>
/// The example-user panel: one figure per example user (profile from Bogus, true forgetting time
/// scale), showing the user's true interest over time in the best strategy's world next to that
/// strategy's estimate, for the user's three strongest topics. Both are drawn as shares of the
/// user's total interest (negative values clipped to 0), because strategies estimate interest on
/// their own scale; what must match is which topics dominate and when that changes.
/// </summary>
public static class ExampleUserFigure
{
    /// <summary>Topics drawn per user: the strongest by mean true share, so the plot stays readable.</summary>
    public const int TopicsShown = 3;

    private static readonly string[] Roles = ["fastest", "median", "slowest"];

    /// <summary>Renders one figure per example user; empty when the run has none or no strategy estimates interest.</summary>
    public static IReadOnlyList<RenderedFigure> RenderAll(RunResult run)
    {
        var best = BestEstimatingStrategy(run);
        if (best is null)
        {
            return [];
        }

        return run.ExampleUsers
            .Select((user, i) => Render(run, user, best, run.ExampleUsers.Count == 3 ? Roles[i] : null, i))
            .ToArray();
    }

    /// <summary>
    /// The strategy whose estimate is shown: among strategies that estimate interest for the example
    /// users, excluding oracles (whose "estimate" is the truth), the best on the run's first ranking
    /// metric (ndcg, else the first metric); ties and missing summaries fall back to strategy order.
    /// </summary>
    internal static string? BestEstimatingStrategy(RunResult run)
    {
        var candidates = run.ExampleUsers.FirstOrDefault()?.Strategies.Select(t => t.Strategy)
            .Where(s => !s.StartsWith("oracle", StringComparison.Ordinal)).ToArray() ?? [];
        if (candidates.Length == 0)
        {
            return run.ExampleUsers.FirstOrDefault()?.Strategies.FirstOrDefault()?.Strategy;
        }

        var metric = run.Metrics.FirstOrDefault(m => m.StartsWith("ndcg", StringComparison.Ordinal)) ?? run.Metrics.FirstOrDefault();
        if (metric is null)
        {
            return candidates[0];
        }

        var sign = MetricNames.IsLowerBetter(metric) ? -1.0 : 1.0;
        return candidates
            .Select((name, order) => (name, order, score: SummaryBarFigure.Lookup(run, name, metric)?.Mean ?? double.NaN))
            .OrderByDescending(c => double.IsFinite(c.score) ? sign * c.score : double.NegativeInfinity)
            .ThenBy(c => c.order)
            .First().name;
    }

    private static RenderedFigure Render(RunResult run, ExampleUserTrace user, string strategy, string? role, int index)
    {
        var trace = user.Strategies.First(t => t.Strategy == strategy);
        var ticks = trace.Truth.Length / user.Dim;
        var truth = Shares(trace.Truth, user.Dim);
        var estimate = Shares(trace.Estimate, user.Dim);
        var topics = StrongestTopics(truth, user.Dim, ticks);
        var plot = FigureStyle.CreatePlot();
        try
        {
            var xs = Enumerable.Range(0, ticks).Select(t => (double)t).ToArray();
            for (var i = 0; i < topics.Length; i++)
            {
                var g = topics[i];
                var color = StrategyPalette.ColorOf(i);
                var topic = g.ToString(CultureInfo.InvariantCulture);
                AddLine(plot, xs, Column(truth, user.Dim, g), color, LinePattern.Solid, $"topic {topic}: truth");
                AddLine(plot, xs, Column(estimate, user.Dim, g), color, LinePattern.Dashed, $"topic {topic}: {strategy}");
            }

            TimeSeriesFigure.AddDriftMarkers(plot, [.. run.DriftEventTicks.Where(t => t >= 0 && t < ticks)]);
            var p = user.Profile;
            var scale = user.ForgettingTimeScale.ToString("0.#", CultureInfo.InvariantCulture);
            var who = role is null ? string.Empty : $", {role} forgetter";
            var title = $"example user {user.User.ToString(CultureInfo.InvariantCulture)}: {p.Name} ({p.Locale}, {p.Segment}{who})";
            plot.Title(title);
            plot.XLabel("tick");
            plot.YLabel("share of the user's interest");
            plot.ShowLegend(Edge.Right);
            var caption = $"Seed {user.Seed.ToString(CultureInfo.InvariantCulture)}, user {user.User.ToString(CultureInfo.InvariantCulture)} "
                + $"(forgetting time scale {scale} ticks{who}). Solid: true interest in the {strategy} world; dashed: {strategy}'s estimate "
                + $"(the best interest-estimating strategy on {RankingMetric(run)}), for the user's {topics.Length} strongest topics, "
                + "each as a share of the user's total interest. Gaps: no estimate yet.";
            return FigureStyle.Render(plot, "example_user_" + index.ToString(CultureInfo.InvariantCulture), title, caption);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static string RankingMetric(RunResult run) =>
        run.Metrics.FirstOrDefault(m => m.StartsWith("ndcg", StringComparison.Ordinal)) ?? run.Metrics.FirstOrDefault() ?? "strategy order";

    private static void AddLine(Plot plot, double[] xs, double[] ys, Color color, LinePattern pattern, string label)
    {
        var x = new List<double>(xs.Length);
        var y = new List<double>(xs.Length);
        for (var t = 0; t < xs.Length; t++)
        {
            if (double.IsFinite(ys[t]))
            {
                x.Add(xs[t]);
                y.Add(ys[t]);
            }
        }

        if (x.Count == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(x.ToArray(), y.ToArray(), color);
        line.LineWidth = 2;
        line.LinePattern = pattern;
        line.MarkerSize = 0;
        line.LegendText = label;
    }

    /// <summary>Each tick's row as shares of its positive part; NaN rows (no estimate) stay NaN.</summary>
    internal static double[] Shares(float[] rows, int dim)
    {
        var shares = new double[rows.Length];
        for (var at = 0; at < rows.Length; at += dim)
        {
            var sum = 0.0;
            var defined = true;
            for (var g = 0; g < dim; g++)
            {
                defined &= float.IsFinite(rows[at + g]);
                sum += Math.Max(0, rows[at + g]);
            }

            for (var g = 0; g < dim; g++)
            {
                shares[at + g] = defined && sum > 0 ? Math.Max(0, rows[at + g]) / sum : double.NaN;
            }
        }

        return shares;
    }

    /// <summary>The topics with the largest mean true share, strongest first (ties by topic index).</summary>
    internal static int[] StrongestTopics(double[] shares, int dim, int ticks)
    {
        var mean = new double[dim];
        for (var t = 0; t < ticks; t++)
        {
            for (var g = 0; g < dim; g++)
            {
                var v = shares[(t * dim) + g];
                mean[g] += double.IsFinite(v) ? v : 0;
            }
        }

        return Enumerable.Range(0, dim).OrderByDescending(g => mean[g]).ThenBy(g => g).Take(TopicsShown).ToArray();
    }

    private static double[] Column(double[] rows, int dim, int g)
    {
        var ticks = rows.Length / dim;
        var column = new double[ticks];
        for (var t = 0; t < ticks; t++)
        {
            column[t] = rows[(t * dim) + g];
        }

        return column;
    }
}
