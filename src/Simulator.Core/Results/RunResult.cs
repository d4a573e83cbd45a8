using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;
using Simulator.Core.Strategies;

namespace Simulator.Core.Results;

/// <summary>Mean of a metric across seeds with its 95% confidence interval (t interval; [mean, mean] for one seed).</summary>
public sealed record MetricSummary(double Mean, double CiLow, double CiHigh, double StdDev, int Seeds);

/// <summary>Where and how a run executed. Kept apart from the deterministic results.</summary>
public sealed record RunEnvironment(
    string Engine,
    string DeviceName,
    string Runtime,
    string OperatingSystem,
    int ProcessorCount,
    double WallSeconds,
    DateTimeOffset StartedUtc,
    string SimulatorVersion)
{
    /// <summary>This build's version, as every run records it.</summary>
    public static string CurrentVersion => typeof(RunEnvironment).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}

/// <summary>
/// A finished run, read-only: everything exporters and reports consume. A run of a scenario is
/// built by <see cref="Of"/> (locally or on a cluster, so both give the same bytes); a run folder
/// read back is built from its files. Either way the statistics derived from the series come from
/// <see cref="WithDerivedStatistics"/>, so a redrawn summary is byte for byte the one the run wrote.
/// </summary>
public sealed record RunResult
{
    /// <summary>Scenario name (also the results sub-folder).</summary>
    public required string ScenarioName { get; init; }

    /// <summary>The fully resolved scenario as JSON (defaults filled in).</summary>
    public required string ScenarioJson { get; init; }

    public required int Users { get; init; }

    public required int Items { get; init; }

    public required int Dim { get; init; }

    public required int SlateSize { get; init; }

    public required int Ticks { get; init; }

    public required IReadOnlyList<ulong> Seeds { get; init; }

    /// <summary>Strategy names in scenario order (the first is the default reference).</summary>
    public required IReadOnlyList<string> Strategies { get; init; }

    /// <summary>Metric names, e.g. ndcg@10, expected_ctr, regret.</summary>
    public required IReadOnlyList<string> Metrics { get; init; }

    /// <summary>Ticks at which population-wide drift events happened (marked on time plots).</summary>
    public required IReadOnlyList<int> DriftEventTicks { get; init; }

    /// <summary>Per (strategy, seed, tick, metric) values.</summary>
    public required MetricSeries Series { get; init; }

    /// <summary>Summary[strategy][metric]: across-seed mean and CI of each seed's time-averaged metric.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricSummary>> Summary { get; init; }

    public required RunEnvironment Environment { get; init; }

    /// <summary>
    /// Normalised[strategy][metric] = (m - m_random) / (m_oracle - m_random) on across-seed means;
    /// empty unless both random and oracle ran, and without metrics where it is undefined.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Normalised { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, double>>();

    /// <summary>Paired comparisons of every strategy with the reference strategy; null when not computed.</summary>
    public RunComparisons? Comparisons { get; init; }

    /// <summary>Each time-aware strategy against its time-blind twin, when both ran; empty otherwise.</summary>
    public IReadOnlyList<TwinComparison> Twins { get; init; } = [];

    /// <summary>Name of the metric drift recovery was measured on (ndcg@k); null when not computed.</summary>
    public string? RecoveryMetric { get; init; }

    /// <summary>Recovery after each population-wide drift event, per strategy; empty without events.</summary>
    public IReadOnlyList<RecoveryResult> Recovery { get; init; } = [];

    /// <summary>Example users followed through the first seed (reports' example-user panel); empty when none.</summary>
    public IReadOnlyList<ExampleUserTrace> ExampleUsers { get; init; } = [];

    /// <summary>
    /// Exposures per item and strategy [strategy][item], summed over all ticks and seeds (the
    /// Lorenz curve of exposure); null when the run kept no exposure counts (no coverage, gini or novelty metric).
    /// </summary>
    public IReadOnlyList<long[]>? ItemExposure { get; init; }
    /// <summary>Spearman of fitted vs true forgetting speed per forgetting-estimating strategy (across seeds); empty without one.</summary>
    public IReadOnlyList<ParameterRecoveryResult> ParameterRecovery { get; init; } = [];

    /// <summary>What each time-aware strategy learned about forgetting, per seed (empty without one).</summary>
    public IReadOnlyList<RetentionCurve> Retention { get; init; } = [];

    /// <summary>The users behind <see cref="ParameterRecovery"/> (at most 2,000 per seed and strategy); may be empty when read back.</summary>
    public IReadOnlyList<RecoveryPoint> ParameterRecoveryPoints { get; init; } = [];

    /// <summary>
    /// The result of a run of <paramref name="scenario"/>: its header from the scenario, the summary of
    /// <paramref name="series"/> and every statistic derived from them. What only some runs gather
    /// (example users, exposure, parameter recovery) is added with a <c>with</c> expression.
    /// </summary>
    public static RunResult Of(Scenario scenario, MetricSeries series, RunEnvironment environment)
    {
        var strategies = scenario.Strategies.Select(x => x.Name).ToArray();
        var run = new RunResult
        {
            ScenarioName = scenario.Name,
            ScenarioJson = ScenarioWriter.ToJson(scenario),
            Users = scenario.Population.Users,
            Items = scenario.Catalog.Items,
            Dim = scenario.Dim,
            SlateSize = scenario.SlateSize,
            Ticks = scenario.Ticks,
            Seeds = scenario.Seeds,
            Strategies = strategies,
            Metrics = scenario.Metrics,
            DriftEventTicks = scenario.DriftEventTicks,
            Series = series,
            Summary = Summaries.Summarize(series, strategies, scenario.Metrics),
            Environment = environment,
        };
        return run.WithDerivedStatistics(scenario);
    }

    /// <summary>
    /// This result with everything derived from its series and summary recomputed: normalised
    /// scores, paired comparisons with the scenario's reference and of each time-aware strategy
    /// with its time-blind twin, and drift recovery.
    /// </summary>
    public RunResult WithDerivedStatistics(Scenario scenario)
    {
        var recoveryMetric = MetricIndex(RecoveryMetricOf(scenario) ?? string.Empty);

        // A hand-assembled folder may list other strategies than its scenario: fall back to the
        // documented default reference, the first strategy.
        var reference = Strategies.Contains(scenario.Reference) ? scenario.Reference : Strategies[0];
        var perSeed = Summaries.PerSeed(Series);
        return this with
        {
            Normalised = Normalisation.Compute(Summary, Strategies, Metrics),
            Comparisons = PairedStatistics.Compare(Strategies, Metrics, perSeed, reference, scenario.Seed),
            Twins = PairedStatistics.CompareTwins(Strategies, Metrics, perSeed, StrategyCatalog.TimeBlindTwins, scenario.Seed),
            RecoveryMetric = recoveryMetric >= 0 ? Metrics[recoveryMetric] : null,
            Recovery = DriftRecovery.Compute(Series, Strategies, recoveryMetric, DriftEventTicks),
        };
    }

    /// <summary>The metric drift recovery is measured on: ndcg@k when the scenario selected it.</summary>
    public static string? RecoveryMetricOf(Scenario scenario)
    {
        var ndcg = MetricCatalog.Ndcg(scenario.SlateSize);
        return scenario.Metrics.Contains(ndcg) ? ndcg : null;
    }

    public int StrategyIndex(string name) => IndexOf(Strategies, name);

    public int MetricIndex(string name) => IndexOf(Metrics, name);

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
