using System.Text;
using System.Text.Json;
using Simulator.Core.Results;

namespace Simulator.Reporting.RunFiles;

/// <summary>
/// summary.json: {"scenario", "seeds", "ticks", "users", "items", "slateSize",
/// "strategies": {strategy: {metric: {"mean", "ci95": [lo, hi], "sd", "n"}}}}.
/// Deterministic: no timestamps (those go to environment.json), fixed key order, round-trip doubles.
/// </summary>
public static class SummaryJson
{
    public static string Write(RunResult run)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("scenario", run.ScenarioName);
            w.WriteStartArray("seeds");
            foreach (var seed in run.Seeds)
            {
                w.WriteNumberValue(seed);
            }

            w.WriteEndArray();
            w.WriteNumber("ticks", run.Ticks);
            w.WriteNumber("users", run.Users);
            w.WriteNumber("items", run.Items);
            w.WriteNumber("slateSize", run.SlateSize);
            w.WriteStartObject("strategies");
            foreach (var strategy in run.Strategies)
            {
                w.WriteStartObject(strategy);
                foreach (var metric in run.Metrics)
                {
                    var s = run.Summary[strategy][metric];
                    w.WriteStartObject(metric);
                    w.WriteNumber("mean", s.Mean);
                    w.WriteStartArray("ci95");
                    w.WriteNumberValue(s.CiLow);
                    w.WriteNumberValue(s.CiHigh);
                    w.WriteEndArray();
                    w.WriteNumber("sd", s.StdDev);
                    w.WriteNumber("n", s.Seeds);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
