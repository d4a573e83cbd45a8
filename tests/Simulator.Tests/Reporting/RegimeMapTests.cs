using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;
using Simulator.Reporting;
using Simulator.Reporting.Figures;
using Simulator.Reporting.Sweeps;

namespace Simulator.Tests.Reporting;

/// <summary>
/// The regime map (time-aware minus twin over two swept axes), the recovery crossover, and a
/// report that stays readable with 25 strategies: distinct colour-and-pattern pairs, summary
/// tables narrow enough that no column is clipped.
/// </summary>
public sealed class RegimeMapTests
{
    private static PairedComparison Edge(double mean, double low, double high) =>
        new("time-lstm", "ndcg@10", [mean, mean], mean, low, high, low, high, 0.01, 0.02);

    private static SweepResult TwoBySweep()
    {
        SweepAxis speed = new("forgetting.halfLife", ["1000000", "4"]);
        SweepAxis drift = new("drift.rate", ["0", "0.2"]);
        var edges = new[] { Edge(-0.01, -0.04, 0.02), Edge(0.03, 0.01, 0.05), Edge(0.002, -0.01, 0.014), Edge(0.08, 0.05, 0.11) };
        var cells = new List<SweepCellResult>();
        for (var i = 0; i < 4; i++)
        {
            var run = SyntheticRun.Create(strategies: ["time-lstm", "gru4rec", "random"], metrics: ["ndcg@10"]) with
            {
                Twins = [new TwinComparison("gru4rec", edges[i])],
            };
            cells.Add(new SweepCellResult(i, $"cell-{i}", [new SweepSetting(speed.Path, speed.Values[i / 2]), new SweepSetting(drift.Path, drift.Values[i % 2])], run));
        }

        return new SweepResult("regimes", "{}", [speed, drift], cells);
    }

    [Fact]
    public void Each_twin_pair_gets_one_heat_map_whose_squares_carry_the_edge_and_mark_intervals_covering_zero()
    {
        var sweep = TwoBySweep();
        var figures = TwinHeatmapFigure.RenderAll(sweep);
        var figure = Assert.Single(figures);
        Assert.Equal("regime_time-lstm_vs_gru4rec", figure.Name);
        Assert.True(figure.Png.Length > 1000);

        // Two squares cover 0 (marked), two exclude it; every mean is written in its square.
        Assert.Equal(2, CountOf(figure.Svg, "n.s."));
        foreach (var mean in new[] { "-0.010", "+0.030", "+0.002", "+0.080" })
        {
            Assert.Contains(mean, figure.Svg, StringComparison.Ordinal);
        }

        Assert.False(TwinHeatmapFigure.Excludes0(Edge(0.01, -0.01, 0.03)));
        Assert.True(TwinHeatmapFigure.Excludes0(Edge(-0.03, -0.05, -0.01)));
        Assert.False(TwinHeatmapFigure.Excludes0(Edge(0.03, double.NaN, double.NaN)));
        Assert.Equal(0.08, TwinHeatmapFigure.EdgeIn(sweep.Cells[3], "time-lstm", "gru4rec", "ndcg@10")!.MeanDiff);
        Assert.Null(TwinHeatmapFigure.EdgeIn(sweep.Cells[3], "tisasrec", "sasrec", "ndcg@10"));
    }

    [Fact]
    public void A_sweep_with_one_axis_or_without_twins_draws_no_heat_map()
    {
        var sweep = TwoBySweep();
        Assert.Empty(TwinHeatmapFigure.RenderAll(sweep with { Axes = [sweep.Axes[0]] }));
        var blind = sweep with { Cells = [.. sweep.Cells.Select(c => c with { Run = c.Run with { Twins = [] } })] };
        Assert.Empty(TwinHeatmapFigure.RenderAll(blind));
    }

    [Fact]
    public void The_recovery_crossover_is_drawn_only_when_a_cell_fitted_forgetting()
    {
        var sweep = TwoBySweep();
        Assert.DoesNotContain(CrossoverFigure.RenderAll(sweep), f => f.Name.StartsWith("sweep_recovery_", StringComparison.Ordinal));
        var fitted = sweep with
        {
            Cells = [.. sweep.Cells.Select((c, i) => c with
            {
                Run = c.Run with { ParameterRecovery = [new ParameterRecoveryResult("time-lstm", [0.1 * i, 0.1 * i], new MetricSummary(0.1 * i, 0.05 * i, 0.15 * i, 0.01, 2))] },
            })],
        };
        var recovery = CrossoverFigure.RenderAll(fitted).Where(f => f.Name.StartsWith("sweep_recovery_", StringComparison.Ordinal)).ToArray();
        // One panel per value of the other axis, as for the metric.
        Assert.Equal(
            ["sweep_recovery_forgetting-halflife_1", "sweep_recovery_forgetting-halflife_2", "sweep_recovery_drift-rate_1", "sweep_recovery_drift-rate_2"],
            recovery.Select(f => f.Name).ToArray());
        Assert.Contains("Spearman", recovery[0].Svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Twenty_five_strategies_get_twenty_five_distinct_colour_and_pattern_pairs()
    {
        Assert.True(StrategyPalette.DistinctPairs >= 25);
        var pairs = Enumerable.Range(0, StrategyPalette.DistinctPairs).Select(i => (StrategyPalette.HexOf(i), StrategyPalette.PatternOf(i))).ToArray();
        Assert.Equal(pairs.Length, pairs.Distinct().Count());

        // The table's key draws the pattern too: strategies 0 and 12 share a colour, not a swatch.
        Assert.Equal(StrategyPalette.HexOf(0), StrategyPalette.HexOf(12));
        Assert.NotEqual(StrategyPalette.SwatchHtml(0), StrategyPalette.SwatchHtml(12));
        Assert.Contains("stroke-dasharray", StrategyPalette.SwatchHtml(12), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wide_summary_is_split_into_tables_of_six_metrics_each_listing_every_strategy()
    {
        string[] strategies = [.. Enumerable.Range(0, 25).Select(i => $"strategy-{i}")];
        string[] metrics = [.. Enumerable.Range(0, 14).Select(i => $"metric_{i}")];
        var html = HtmlReport.Render(SyntheticRun.Create(strategies, metrics, exposureAndExampleUsers: false), []);
        var tables = html.Split("<table class=\"summary\">")[1..].Select(t => t[..t.IndexOf("</table>", StringComparison.Ordinal)]).ToArray();
        Assert.Equal(3, tables.Length);
        Assert.Equal([7, 7, 3], tables.Select(t => CountOf(t[..t.IndexOf("</thead>", StringComparison.Ordinal)], "<th>")).ToArray());
        Assert.All(tables, t => Assert.Equal(25, CountOf(t, "<svg class=\"swatch\"")));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
