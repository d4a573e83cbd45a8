using System.Globalization;
using System.Text;
using Simulator.Core.Results;
using Simulator.Storage.RunFolders;

namespace Simulator.Tests.Storage.RunFolders;

/// <summary>Writes a RunResult's data files as a run folder, without simulating (for reader and compare tests).</summary>
internal static class RunFolders
{
    private static readonly UTF8Encoding Utf8 = new(false);

    public static string Write(RunResult run, string directory)
    {
        Directory.CreateDirectory(directory);
        var events = string.Join(", ", run.DriftEventTicks.Select(t => t.ToString(CultureInfo.InvariantCulture)));
        var scenario = FormattableString.Invariant($$"""
            {
              "name": "{{run.ScenarioName}}",
              "ticks": {{run.Ticks}},
              "slateSize": {{run.SlateSize}},
              "population": { "users": {{run.Users}}, "topics": {{run.Dim}} },
              "catalog": { "items": {{run.Items}} },
              "drift": { "kind": "abrupt", "events": [{{events}}] }
            }

            """);
        File.WriteAllText(Path.Combine(directory, RunFileNames.Scenario), scenario, Utf8);
        File.WriteAllText(Path.Combine(directory, RunFileNames.Summary), SummaryJson.Write(run), Utf8);
        File.WriteAllText(Path.Combine(directory, RunFileNames.Environment), EnvironmentJson.Write(run.Environment), Utf8);
        File.WriteAllText(Path.Combine(directory, RunFileNames.Metrics), Csv(run), Utf8);
        return directory;
    }

    public static string Csv(RunResult run)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        MetricsCsv.Write(run, writer);
        return writer.ToString();
    }
}
