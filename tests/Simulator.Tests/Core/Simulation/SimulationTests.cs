using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Core.Simulation;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Simulation;

/// <summary>Whole runs on a small population: ground-truth bounds, ordering and determinism.</summary>
public sealed class SimulationTests
{
    private static RunResult Run(int threads, string? edit = null, IComputeEngine? engine = null)
    {
        var scenario = TestScenarios.Small(edit is null ? null : json => json.Replace("\"seeds\": 2,", edit, StringComparison.Ordinal));
        using var own = engine is null ? new CpuEngine(threads) : null;
        return SimulationRunner.Run(scenario, engine ?? own!, new RunOptions { Threads = threads });
    }

    [Fact]
    public void Oracle_scores_ndcg_one_and_zero_regret_every_tick()
    {
        var run = Run(2);
        var oracle = run.StrategyIndex("oracle");
        var ndcg = run.MetricIndex(MetricCatalog.Ndcg(5));
        var regret = run.MetricIndex(MetricCatalog.Regret);
        for (var s = 0; s < run.Seeds.Count; s++)
        {
            for (var t = 0; t < run.Ticks; t++)
            {
                Assert.Equal(1.0, run.Series[oracle, s, t, ndcg], 12);
                Assert.Equal(0.0, run.Series[oracle, s, t, regret], 12);
            }
        }

        Assert.Equal(1.0, run.Summary["oracle"]["ndcg@5"].Mean, 12);
        Assert.Equal(0.0, run.Summary["oracle"]["regret"].Mean, 12);
    }

    [Fact]
    public void Oracle_is_perfect_on_every_ground_truth_ranking_metric_and_normalises_to_one()
    {
        var run = Run(2);
        foreach (var metric in new[] { "ndcg@5", "recall@5", "hitrate@5", "mrr" })
        {
            Assert.Equal(1.0, run.Summary["oracle"][metric].Mean);
            Assert.Equal(1.0, run.Normalised["oracle"][metric]);
            Assert.Equal(0.0, run.Normalised["random"][metric]);
        }

        Assert.Equal(0.0, run.Summary["oracle"][MetricCatalog.TrackingError].Mean);
        Assert.Equal(0.0, run.Summary["oracle"][MetricCatalog.OverForgetting].Mean);
        Assert.Equal(1.0, run.Normalised["oracle"][MetricCatalog.Regret]);
        Assert.Equal(0.0, run.Normalised["random"][MetricCatalog.Regret]);
        Assert.Equal(0, run.Summary["random"][MetricCatalog.TrackingError].Seeds); // no estimate: n/a, not 0
        Assert.InRange(run.Summary["ema"][MetricCatalog.TrackingError].Mean, 0.0, 1.0);
    }

    [Fact]
    public void Comparisons_use_the_first_strategy_as_reference_and_cover_every_other_strategy()
    {
        var run = Run(2);
        var comparisons = run.Comparisons!;
        Assert.Equal("random", comparisons.Reference);
        var oracle = comparisons.Find("oracle", "ndcg@5")!;
        Assert.Equal(run.Seeds.Count, oracle.Differences.Count);
        Assert.Equal(run.Summary["oracle"]["ndcg@5"].Mean - run.Summary["random"]["ndcg@5"].Mean, oracle.MeanDiff, 12);
        Assert.True(oracle.PHolm >= oracle.P);
        Assert.Null(comparisons.Find("random", "ndcg@5"));
        Assert.Null(comparisons.Find("popularity", MetricCatalog.TrackingError)); // both lack an estimate

        var other = Run(2, "\"seeds\": 2, \"reference\": \"ema\",");
        Assert.Equal("ema", other.Comparisons!.Reference);
    }

    [Fact]
    public void Recovery_is_reported_for_every_strategy_at_the_drift_event()
    {
        var run = Run(2);
        Assert.Equal("ndcg@5", run.RecoveryMetric);
        Assert.Equal(run.Strategies, run.Recovery.Select(r => r.Strategy));
        Assert.All(run.Recovery, r => Assert.Equal(6, r.EventTick));
        var oracle = run.Recovery.Single(r => r.Strategy == "oracle");
        Assert.Equal(0.0, oracle.MedianTicksToRecover); // NDCG 1 throughout: nothing to recover from
        Assert.Equal(0.0, oracle.MeanDepth);
    }

    [Fact]
    public void Random_ranks_below_every_other_strategy_on_ndcg_and_metrics_stay_in_range()
    {
        var run = Run(2);
        var random = run.Summary["random"]["ndcg@5"].Mean;
        foreach (var strategy in run.Strategies.Where(s => s != "random"))
        {
            Assert.True(run.Summary[strategy]["ndcg@5"].Mean > random, $"{strategy} should beat random on ndcg");
        }

        // Each metric within its documented range (regret may dip below 0 by rounding only); NaN is
        // allowed only where a strategy has no estimate to track.
        for (var m = 0; m < run.Metrics.Count; m++)
        {
            var d = MetricCatalog.Find(run.Metrics[m], run.SlateSize)!;
            for (var w = 0; w < run.Strategies.Count; w++)
            {
                foreach (var v in run.Series.Series(w, 0, m))
                {
                    if (double.IsNaN(v))
                    {
                        Assert.True(d.Id == MetricId.TrackingError && run.Strategies[w] is "random" or "popularity", $"{d.Name} NaN for {run.Strategies[w]}");
                        continue;
                    }

                    Assert.InRange(v, d.Min - 1e-12, d.Max);
                }
            }
        }
    }

    [Fact]
    public void Same_seed_gives_identical_series_whatever_the_thread_count()
    {
        var one = Run(1);
        var two = Run(2);
        var four = Run(4);
        for (var w = 0; w < one.Strategies.Count; w++)
        {
            for (var m = 0; m < one.Metrics.Count; m++)
            {
                for (var s = 0; s < one.Seeds.Count; s++)
                {
                    Assert.Equal(one.Series.Series(w, s, m), two.Series.Series(w, s, m));
                    Assert.Equal(one.Series.Series(w, s, m), four.Series.Series(w, s, m));
                }
            }
        }
    }

    [Fact]
    public void Summary_json_is_byte_identical_whatever_the_thread_count()
    {
        Assert.Equal(
            Simulator.Storage.RunFolders.SummaryJson.Write(Run(1)),
            Simulator.Storage.RunFolders.SummaryJson.Write(Run(4)));
    }

    [Fact]
    public void Cpu_engine_run_matches_the_scalar_reference_engine()
    {
        var cpu = Run(2, "\"seeds\": 1,");
        var reference = Run(1, "\"seeds\": 1,", new ReferenceEngine());
        foreach (var strategy in cpu.Strategies)
        {
            foreach (var metric in cpu.Metrics)
            {
                Assert.Equal(reference.Summary[strategy][metric].Mean, cpu.Summary[strategy][metric].Mean, 2);
            }
        }
    }

    [Fact]
    public void Different_seeds_give_different_results()
    {
        var run = Run(2);
        var ema = run.StrategyIndex("ema");
        Assert.NotEqual(run.Series.Series(ema, 0, 0), run.Series.Series(ema, 1, 0));
    }

    [Fact]
    public void Cancellation_stops_between_ticks()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        using var cpu = new CpuEngine(1);
        Assert.Throws<OperationCanceledException>(() =>
            SimulationRunner.Run(TestScenarios.Small(), cpu, new RunOptions { Cancellation = cancel.Token }));
    }
}
