using System.Diagnostics;
using System.Runtime.InteropServices;
using Simulator.Core.Compute;
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
        for (var s = 0; s < seeds.Count; s++)
        {
            using var simulation = new SimulationTick(scenario, engine, parallel, seeds[s]);
            for (var t = 0; t < scenario.Ticks; t++)
            {
                options.Cancellation.ThrowIfCancellationRequested();
                var sums = simulation.Step(t);
                for (var w = 0; w < sums.Length; w++)
                {
                    for (var m = 0; m < scenario.Metrics.Count; m++)
                    {
                        series[w, s, t, m] = sums[w].Mean(scenario.Metrics[m], scenario.SlateSize);
                    }
                }

                options.Progress?.Report(new RunProgress(s, seeds.Count, t, scenario.Ticks));
            }
        }

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
            Strategies = scenario.Strategies.Select(x => x.Name).ToArray(),
            Metrics = scenario.Metrics,
            DriftEventTicks = scenario.Drift.EventTicks,
            Series = series,
            Summary = Summarize(series, scenario),
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
                    var sum = 0.0;
                    for (var t = 0; t < series.Ticks; t++)
                    {
                        sum += series[w, s, t, m];
                    }

                    perSeed[s] = sum / series.Ticks;
                }

                perMetric[metrics[m]] = Summaries.MeanWithCi(perSeed);
            }

            result[strategies[w]] = perMetric;
        }

        return result;
    }
}
