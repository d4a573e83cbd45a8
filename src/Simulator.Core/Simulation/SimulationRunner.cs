using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;
using Simulator.Core.Strategies;

namespace Simulator.Core.Simulation;

/// <summary>Runs every strategy of a scenario over all its seeds and returns the read-only result.</summary>
public static class SimulationRunner
{
    public static RunResult Run(Scenario scenario, IComputeEngine engine, RunOptions options)
    {
        if (options.CheckpointEvery > 0 && options.Checkpoints is null)
        {
            throw new ArgumentException("CheckpointEvery needs a checkpoint sink (RunOptions.Checkpoints)", nameof(options));
        }

        var oneShard = OneShardOf(scenario, options);

        var started = options.Clock?.GetUtcNow() ?? DateTimeOffset.UnixEpoch;
        var startTimestamp = options.Clock?.GetTimestamp() ?? 0;
        // No cancellation token here: a tick always completes, so a cancelled run stops at a tick
        // boundary with consistent state, which is what a final checkpoint needs.
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads is > 0 ? options.Threads.Value : -1,
        };
        var seeds = scenario.Seeds;
        var series = new MetricSeries(scenario.Strategies.Count, seeds.Count, scenario.Ticks, scenario.Metrics.Count);
        var ids = scenario.Metrics.Select(m => MetricCatalog.Find(m, scenario.SlateSize)!.Id).ToArray();
        var start = StartOf(options.Resume, seeds.Count, scenario.Ticks);
        var lastSaved = start;
        var gathered = new RunAccumulators(scenario);
        for (var s = start.SeedIndex; s < seeds.Count; s++)
        {
            using var simulation = new SimulationTick(scenario, engine, parallel, seeds[s], options.GuardHook, oneShard);
            options.Observer?.SeedStarted(simulation.SeedView(s));

            // Example users are followed in the first seed only: a panel, not a statistic.
            if (s == 0)
            {
                gathered.FollowExamples(simulation, seeds[0], engine, parallel);
            }
            else if (gathered.Examples is null)
            {
                gathered.FollowExamplesOf(engine, seeds[0], parallel, simulation.EstimatingStrategies);
            }

            var state = new RunCheckpointState(series, simulation, gathered);
            var first = 0;
            if (s == start.SeedIndex && options.Resume is not null)
            {
                options.Resume.Restore(state);
                first = start.NextTick;
            }

            for (var t = first; t < scenario.Ticks; t++)
            {
                if (options.Cancellation.IsCancellationRequested)
                {
                    // Keep the work done since the last periodic checkpoint.
                    var here = new CheckpointPosition(s, t);
                    if (options.CheckpointEvery > 0 && here != start && here != lastSaved)
                    {
                        options.Checkpoints!.Save(here, state);
                    }

                    options.Cancellation.ThrowIfCancellationRequested();
                }

                var sums = simulation.Step(t);
                options.Observer?.TickCompleted(simulation.TickView(s, t));
                if (s == 0)
                {
                    gathered.Examples!.Record(simulation, t);
                }

                for (var w = 0; w < sums.Length; w++)
                {
                    for (var m = 0; m < scenario.Metrics.Count; m++)
                    {
                        series[w, s, t, m] = sums[w].Mean(ids[m]);
                    }
                }

                options.Progress?.Report(new RunProgress(s, seeds.Count, t, scenario.Ticks));
                if (options.CheckpointEvery > 0 && (t + 1) % options.CheckpointEvery == 0 && t + 1 < scenario.Ticks)
                {
                    lastSaved = new CheckpointPosition(s, t + 1);
                    options.Checkpoints!.Save(lastSaved, state);
                }
            }

            gathered.AddSeed(simulation);
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
            DriftEventTicks = scenario.DriftEventTicks,
            Series = series,
            Summary = summary,
            Normalised = Normalisation.Compute(summary, strategies, scenario.Metrics),
            Comparisons = PairedStatistics.Compare(strategies, scenario.Metrics, PerSeed(series), scenario.Reference, scenario.Seed),
            RecoveryMetric = RecoveryMetricOf(scenario),
            Recovery = DriftRecovery.Compute(series, strategies, recoveryMetric, scenario.DriftEventTicks),
            ExampleUsers = gathered.ExampleTraces,
            ItemExposure = gathered.Exposure,
            ParameterRecovery = gathered.ParameterRecovery,
            ParameterRecoveryPoints = gathered.ParameterRecoveryPoints,
            Environment = new RunEnvironment(
                engine.Info.Kind,
                engine.Info.DeviceName,
                options.Host.Runtime,
                options.Host.OperatingSystem,
                options.Host.ProcessorCount,
                options.Clock?.GetElapsedTime(startTimestamp).TotalSeconds ?? 0,
                started,
                typeof(SimulationRunner).Assembly.GetName().Version?.ToString() ?? "0.0.0"),
        };
    }

    /// <summary>The shard this process runs when <see cref="RunOptions.ShardPeers"/> is set, after checking the run can be split.</summary>
    private static World.ShardLayout? OneShardOf(Scenario scenario, RunOptions options)
    {
        if (options.ShardPeers is not { } peers)
        {
            return null;
        }

        var serial = StrategyCatalog.NotRunningOnShards(scenario);
        if (serial.Count > 0)
        {
            throw new ArgumentException($"strategies {string.Join(", ", serial)} cannot run split over shards", nameof(options));
        }

        if (options.Observer is not null)
        {
            throw new ArgumentException("a run split over shards takes no observer (exports are written by runs that hold every user)", nameof(options));
        }

        return World.ShardLayout.OneShardOf(scenario.Population.Users, scenario.Shards, peers);
    }

    /// <summary>Where a run starts: the beginning, or a checkpoint's position after checking it lies inside this scenario's run.</summary>
    private static CheckpointPosition StartOf(ICheckpointSource? resume, int seeds, int ticks)
    {
        if (resume is null)
        {
            return new CheckpointPosition(0, 0);
        }

        var at = resume.Position;
        if (at.SeedIndex < 0 || at.SeedIndex >= seeds || at.NextTick < 0 || at.NextTick > ticks)
        {
            throw new CheckpointException($"the checkpoint is at seed {at.SeedIndex + 1}, tick {at.NextTick}, outside this scenario's {seeds} seeds x {ticks} ticks");
        }

        return at;
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
            ParameterRecovery = run.ParameterRecovery,
            ParameterRecoveryPoints = run.ParameterRecoveryPoints,
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
