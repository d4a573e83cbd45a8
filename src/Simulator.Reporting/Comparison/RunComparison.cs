using Simulator.Core.Results;

namespace Simulator.Reporting.Comparison;

/// <summary>One run in a comparison, with the label it is shown under (folder name and scenario).</summary>
public sealed record ComparedRun(string Label, RunResult Run);

/// <summary>
/// Several finished runs put side by side. Only metrics every run has are compared; the others
/// are listed in <see cref="SkippedMetrics"/> so the report can say what was left out and why.
/// Strategies are the union across runs in first-seen order, so a strategy keeps one colour.
/// </summary>
public sealed class RunComparison
{
    private RunComparison(IReadOnlyList<ComparedRun> runs, IReadOnlyList<string> metrics, IReadOnlyList<string> skipped)
    {
        Runs = runs;
        Metrics = metrics;
        SkippedMetrics = skipped;
        Strategies = runs.SelectMany(r => r.Run.Strategies).Distinct(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<ComparedRun> Runs { get; }

    /// <summary>The compared metrics, in the first run's order.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Metrics present in some runs but not all, in first-seen order.</summary>
    public IReadOnlyList<string> SkippedMetrics { get; }

    /// <summary>Union of the runs' strategies, first-seen order.</summary>
    public IReadOnlyList<string> Strategies { get; }

    /// <summary>
    /// Builds the comparison over the metrics common to all runs, optionally narrowed to
    /// <paramref name="onlyMetrics"/> (each must be common; the caller reports otherwise).
    /// </summary>
    public static RunComparison Create(IReadOnlyList<ComparedRun> runs, IReadOnlyList<string>? onlyMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("A comparison needs at least one run.", nameof(runs));
        }

        var common = CommonMetrics(runs);
        var all = runs.SelectMany(r => r.Run.Metrics).Distinct(StringComparer.Ordinal).ToArray();
        var skipped = all.Where(m => !common.Contains(m)).ToArray();
        var metrics = onlyMetrics is { Count: > 0 }
            ? common.Where(onlyMetrics.Contains).ToArray()
            : common.ToArray();
        return new RunComparison(runs, metrics, skipped);
    }

    /// <summary>Metrics that every run has, in the first run's order.</summary>
    public static IReadOnlyList<string> CommonMetrics(IReadOnlyList<ComparedRun> runs) =>
        runs[0].Run.Metrics.Where(m => runs.All(r => r.Run.MetricIndex(m) >= 0)).ToArray();

    /// <summary>Colour index of a strategy: its position in the union, so colours agree across figures.</summary>
    public int StrategyColor(string strategy)
    {
        for (var i = 0; i < Strategies.Count; i++)
        {
            if (Strategies[i] == strategy)
            {
                return i;
            }
        }

        return 0;
    }
}
