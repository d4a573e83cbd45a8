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
    string SimulatorVersion);

/// <summary>
/// A finished run, read-only: everything exporters and reports consume. Built by the runner or
/// read back from a run folder, so reports can be redrawn without re-running.
/// </summary>
public sealed class RunResult
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
    public Statistics.RunComparisons? Comparisons { get; init; }

    /// <summary>Name of the metric drift recovery was measured on (ndcg@k); null when not computed.</summary>
    public string? RecoveryMetric { get; init; }

    /// <summary>Recovery after each population-wide drift event, per strategy; empty without events.</summary>
    public IReadOnlyList<Statistics.RecoveryResult> Recovery { get; init; } = [];

    /// <summary>Example users followed through the first seed (reports' example-user panel); empty when none.</summary>
    public IReadOnlyList<ExampleUserTrace> ExampleUsers { get; init; } = [];

    /// <summary>
    /// Exposures per item and strategy [strategy][item], summed over all ticks and seeds (the
    /// Lorenz curve of exposure); null when the run kept no exposure counts (no coverage, gini or novelty metric).
    /// </summary>
    public IReadOnlyList<long[]>? ItemExposure { get; init; }

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
