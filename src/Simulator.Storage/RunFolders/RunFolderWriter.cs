using System.Text;
using Simulator.Core.Results;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// Writes the data files of a run folder from a finished result: scenario.json, summary.json,
/// environment.json and metrics.csv, plus exposure.csv, example-users.json and
/// parameter-recovery.csv when the run produced them. <see cref="RunFolderReader"/> reads them
/// back. The drawn report (report.html, report.md, plots/) is the caller's to add.
/// </summary>
public static class RunFolderWriter
{
    /// <summary>Writes the data files through <paramref name="file"/> (relative path -> full path); sweeps write each cell this way.</summary>
    public static void Write(RunResult run, Func<string, string> file)
    {
        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(file(RunFileNames.Scenario), run.ScenarioJson, utf8);
        File.WriteAllText(file(RunFileNames.Summary), SummaryJson.Write(run), utf8);
        File.WriteAllText(file(RunFileNames.Environment), EnvironmentJson.Write(run.Environment), utf8);
        using (var csv = new StreamWriter(file(RunFileNames.Metrics), false, utf8))
        {
            MetricsCsv.Write(run, csv);
        }

        if (run.ItemExposure is { } exposure)
        {
            using var csv = new StreamWriter(file(RunFileNames.Exposure), false, utf8);
            ExposureCsv.Write(run.Strategies, exposure, csv);
        }

        if (run.ExampleUsers.Count > 0)
        {
            File.WriteAllText(file(RunFileNames.ExampleUsers), ExampleUsersJson.Write(run.ExampleUsers), utf8);
        }

        if (run.ParameterRecoveryPoints.Count > 0)
        {
            using var points = new StreamWriter(file(RunFileNames.ParameterRecovery), false, utf8);
            ParameterRecoveryCsv.Write(run, points);
        }

        if (run.Retention.Count > 0)
        {
            using var retention = new StreamWriter(file(RunFileNames.Retention), false, utf8);
            RetentionCsv.Write(run, retention);
        }
    }
}
