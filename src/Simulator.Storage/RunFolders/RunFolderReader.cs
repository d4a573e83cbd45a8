using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Statistics;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// Reads a run folder (scenario.json, summary.json, metrics.csv, environment.json, and exposure.csv and example-users.json when present) back into the
/// <see cref="RunResult"/> that wrote it, so reports can be redrawn and compared without running
/// anything. Writing the result again gives the same summary.json and metrics.csv bytes.
/// Unknown fields in the JSON files are ignored, so newer writers can add fields freely.
/// Each file is parsed beside its writer; this class checks the files agree and assembles the result.
/// </summary>
public static class RunFolderReader
{
    /// <summary>True when <paramref name="directory"/> holds the files a run folder needs.</summary>
    public static bool LooksLikeRunFolder(string directory) =>
        File.Exists(Path.Combine(directory, RunFileNames.Summary))
        && File.Exists(Path.Combine(directory, RunFileNames.Metrics));

    /// <summary>Reads the folder; throws <see cref="RunFolderException"/> naming the bad file.</summary>
    public static RunResult Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new RunFolderException($"{directory}: no such run folder");
        }

        if (!LooksLikeRunFolder(directory) && !File.Exists(Path.Combine(directory, RunFileNames.Scenario)))
        {
            throw new RunFolderException(
                $"{directory}: not a run folder (no {RunFileNames.Scenario}, {RunFileNames.Summary} or {RunFileNames.Metrics}); pass a folder written by simulator run");
        }

        var scenarioPath = Path.Combine(directory, RunFileNames.Scenario);
        var summaryPath = Path.Combine(directory, RunFileNames.Summary);
        var metricsPath = Path.Combine(directory, RunFileNames.Metrics);
        var environmentPath = Path.Combine(directory, RunFileNames.Environment);

        var scenarioJson = RunFileAccess.ReadText(scenarioPath);
        var scenario = ScenarioFacts.Read(scenarioPath, scenarioJson);
        var summary = SummaryJson.Read(summaryPath, RunFileAccess.ReadText(summaryPath));
        var environment = EnvironmentJson.Read(environmentPath, RunFileAccess.ReadText(environmentPath));
        if (summary.Ticks is int summaryTicks && summaryTicks != scenario.Ticks)
        {
            throw new RunFolderException($"{summaryPath}: ticks is {summaryTicks} but {RunFileNames.Scenario} says {scenario.Ticks}");
        }

        var (metrics, series) = MetricsCsv.Read(metricsPath, summary.Strategies, summary.Seeds, scenario.Ticks);
        var table = new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>(StringComparer.Ordinal);
        foreach (var strategy in summary.Strategies)
        {
            var byMetric = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
            foreach (var metric in metrics)
            {
                // The writers assume every (strategy, metric) cell exists; refuse here rather than fail later.
                if (!summary.Table[strategy].TryGetValue(metric, out var cell))
                {
                    throw new RunFolderException(
                        $"{summaryPath}: strategy \"{strategy}\" has no summary for metric \"{metric}\" (a column of {RunFileNames.Metrics})");
                }

                byMetric[metric] = cell;
            }

            table[strategy] = byMetric;
        }

        var result = new RunResult
        {
            ScenarioName = summary.Scenario,
            ScenarioJson = scenarioJson,
            Users = scenario.Users,
            Items = scenario.Items,
            Dim = scenario.Topics,
            SlateSize = scenario.SlateSize,
            Ticks = scenario.Ticks,
            Seeds = summary.Seeds,
            Strategies = summary.Strategies,
            Metrics = metrics,
            DriftEventTicks = scenario.DriftEvents,
            Series = series,
            Summary = table,
            Environment = environment,
            ItemExposure = ReadOptional(directory, RunFileNames.Exposure, (path, text) => ExposureCsv.Read(path, text, summary.Strategies, scenario.Items)),
            ExampleUsers = ReadOptional(directory, RunFileNames.ExampleUsers, ExampleUsersJson.Read) ?? [],
            ParameterRecovery = summary.ParameterRecovery,
            ParameterRecoveryPoints = ParameterRecoveryCsv.ReadIfPresent(Path.Combine(directory, RunFileNames.ParameterRecovery)),
            Retention = RetentionCsv.ReadIfPresent(Path.Combine(directory, RunFileNames.Retention)),
        };

        // Comparisons, normalised scores and recovery are functions of the series and the
        // scenario: recompute them exactly as the run did rather than trusting a second copy.
        return result.WithDerivedStatistics(ResolvedScenario(scenarioPath, scenarioJson));
    }

    private static Scenario ResolvedScenario(string path, string json)
    {
        try
        {
            return ScenarioParser.Parse(json, Path.GetFileName(Path.GetDirectoryName(path)) ?? "run");
        }
        catch (ScenarioException e)
        {
            throw new RunFolderException($"{path}: not a valid resolved scenario: {e.Errors[0]}", e);
        }
    }

    /// <summary>Parses a file the run writes only when it has the data; null when absent.</summary>
    private static T? ReadOptional<T>(string directory, string name, Func<string, string, T> parse)
        where T : class
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path) ? parse(path, RunFileAccess.ReadText(path)) : null;
    }
}
