using System.Diagnostics;
using System.Runtime.InteropServices;
using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;

namespace Simulator.Core.Simulation;

/// <summary>Runs every strategy of a scenario over all its seeds and returns the read-only result.</summary>
public static class SimulationRunner
{
    public static RunResult Run(Scenario scenario, IComputeEngine engine, RunOptions options)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads is > 0 ? options.Threads.Value : Environment.ProcessorCount,
            CancellationToken = options.Cancellation,
        };
        var seeds = scenario.Seeds;
        var series = new MetricSeries(scenario.Strategies.Count, seeds.Count, scenario.Ticks, scenario.Metrics.Count);
        var ids = scenario.Metrics.Select(m => MetricCatalog.Find(m, scenario.SlateSize)!.Id).ToArray();
        IReadOnlyList<ExampleUserTrace> examples = [];
        long[][]? exposure = null;
        for (var s = 0; s < seeds.Count; s++)
        {
            using var simulation = new SimulationTick(scenario, engine, parallel, seeds[s], options.GuardHook);
            options.Observer?.SeedStarted(simulation.SeedView(s));

            // Example users are followed in the first seed only: a panel, not a statistic.
            var recorder = s == 0 ? new ExampleUserRecorder(simulation.Population, seeds[s], scenario.Ticks, simulation.EstimatingStrategies) : null;
            for (var t = 0; t < scenario.Ticks; t++)
            {
                options.Cancellation.ThrowIfCancellationRequested();
                var sums = simulation.Step(t);
                options.Observer?.TickCompleted(simulation.TickView(s, t));
                recorder?.Record(simulation, t);
                for (var w = 0; w < sums.Length; w++)
                {
                    for (var m = 0; m < scenario.Metrics.Count; m++)
                    {
                        series[w, s, t, m] = sums[w].Mean(ids[m]);
                    }
                }

                options.Progress?.Report(new RunProgress(s, seeds.Count, t, scenario.Ticks));
            }

            examples = recorder?.Traces() ?? examples;
            exposure = AddExposure(exposure, simulation, scenario.Strategies.Count);
        }

        var strategies = scenario.Strategies.Select(x => x.Name).ToArray();
        var summary = Summarize(series, scenario);
        var recoveryMetric = scenario.Metrics.ToList().IndexOf(RecoveryMetricOf(scenario) ?? string.Empty);
        return new RunResult
        {
            ScenarioName = scenario.Name,
            ScenarioJson = ScenarioWriter.ToJson(scenario),
            Users = scenario.Population.Users,
            Items = scenario.Catalog.Items,
            Dim = scenario.Dim,
            SlateSize = scenario.SlateSize,
            Ticks = scenario.Ticks,
            Seeds = seeds,
            Strategies = strategies,
            Metrics = scenario.Metrics,
            DriftEventTicks = scenario.Drift.EventTicks,
            Series = series,
            Summary = summary,
            Normalised = Normalisation.Compute(summary, strategies, scenario.Metrics),
            Comparisons = PairedStatistics.Compare(strategies, scenario.Metrics, PerSeed(series), scenario.Reference, scenario.Seed),
            RecoveryMetric = RecoveryMetricOf(scenario),
            Recovery = DriftRecovery.Compute(series, strategies, recoveryMetric, scenario.Drift.EventTicks),
            ExampleUsers = examples,
            ItemExposure = exposure,
            Environment = new RunEnvironment(
                engine.Info.Kind,
                engine.Info.DeviceName,
                RuntimeInformation.FrameworkDescription,
                RuntimeInformation.OSDescription,
                Environment.ProcessorCount,
                clock.Elapsed.TotalSeconds,
                started,
                typeof(SimulationRunner).Assembly.GetName().Version?.ToString() ?? "0.0.0"),
        };
    }

    /// <summary>Adds one seed's per-item exposure totals to the run's (summed over seeds, in seed order); null when not counted.</summary>
    private static long[][]? AddExposure(long[][]? total, SimulationTick simulation, int strategies)
    {
        for (var w = 0; w < strategies; w++)
        {
            if (simulation.ExposureTotals(w) is not { } counts)
            {
                return null;
            }

            total ??= new long[strategies][];
            total[w] ??= new long[counts.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                total[w][i] += counts[i];
            }
        }

        return total;
    }

    /// <summary>The metric drift recovery is measured on: ndcg@k when the scenario selected it.</summary>
    public static string? RecoveryMetricOf(Scenario scenario)
    {
        var ndcg = MetricCatalog.Ndcg(scenario.SlateSize);
        return scenario.Metrics.Contains(ndcg) ? ndcg : null;
    }

    /// <summary>
    /// Everything a finished run derives from its series (normalised scores, paired comparisons,
    /// drift recovery), recomputed for a result read back from a run folder, so that the redrawn
    /// summary is byte for byte the one the run wrote.
    /// </summary>
    public static RunResult WithDerivedStatistics(RunResult run, Scenario scenario)
    {
        var recoveryMetric = run.Metrics.ToList().IndexOf(RecoveryMetricOf(scenario) ?? string.Empty);

        // A hand-assembled folder may list other strategies than its scenario: fall back to the
        // documented default reference, the first strategy.
        var reference = run.Strategies.Contains(scenario.Reference) ? scenario.Reference : run.Strategies[0];
        return new RunResult
        {
            ScenarioName = run.ScenarioName,
            ScenarioJson = run.ScenarioJson,
            Users = run.Users,
            Items = run.Items,
            Dim = run.Dim,
            SlateSize = run.SlateSize,
            Ticks = run.Ticks,
            Seeds = run.Seeds,
            Strategies = run.Strategies,
            Metrics = run.Metrics,
            DriftEventTicks = run.DriftEventTicks,
            Series = run.Series,
            Summary = run.Summary,
            Normalised = Normalisation.Compute(run.Summary, run.Strategies, run.Metrics),
            Comparisons = PairedStatistics.Compare(run.Strategies, run.Metrics, PerSeed(run.Series), reference, scenario.Seed),
            RecoveryMetric = recoveryMetric >= 0 ? run.Metrics[recoveryMetric] : null,
            Recovery = DriftRecovery.Compute(run.Series, run.Strategies, recoveryMetric, run.DriftEventTicks),
            ExampleUsers = run.ExampleUsers,
            ItemExposure = run.ItemExposure,
            Environment = run.Environment,
        };
    }

    /// <summary>Per strategy and metric: each seed's time-averaged value, then mean and CI across seeds.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricSummary>> Summarize(MetricSeries series, Scenario scenario) =>
        Summarize(series, scenario.Strategies.Select(s => s.Name).ToArray(), scenario.Metrics);

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricSummary>> Summarize(
        MetricSeries series, IReadOnlyList<string> strategies, IReadOnlyList<string> metrics)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>();
        for (var w = 0; w < strategies.Count; w++)
        {
            var perMetric = new Dictionary<string, MetricSummary>();
            for (var m = 0; m < metrics.Count; m++)
            {
                var perSeed = new double[series.Seeds];
                for (var s = 0; s < series.Seeds; s++)
                {
                    perSeed[s] = TimeAverage(series, w, s, m);
                }

                perMetric[metrics[m]] = Summaries.MeanWithCi(perSeed);
            }

            result[strategies[w]] = perMetric;
        }

        return result;
    }

    /// <summary>Each seed's time-averaged value, indexed [strategy][metric][seed].</summary>
    public static double[][][] PerSeed(MetricSeries series) =>
        Enumerable.Range(0, series.Strategies).Select(w =>
            Enumerable.Range(0, series.Metrics).Select(m =>
                Enumerable.Range(0, series.Seeds).Select(s => TimeAverage(series, w, s, m)).ToArray()).ToArray()).ToArray();

    /// <summary>
    /// One seed's time-averaged metric: the mean over ticks where it is defined (NaN ticks, where
    /// no user had a value, are skipped); NaN when it is defined at no tick.
    /// </summary>
    public static double TimeAverage(MetricSeries series, int strategy, int seed, int metric)
    {
        var sum = 0.0;
        var n = 0;
        for (var t = 0; t < series.Ticks; t++)
        {
            var v = series[strategy, seed, t, metric];
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        return n > 0 ? sum / n : double.NaN;
    }
}
