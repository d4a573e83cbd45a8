using System.Text;
using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Storage.RunFolders;

namespace Simulator.Storage.Sweeps;

/// <summary>
/// sweep.json, the index of a sweep folder: the axes, and per cell its settings, its folder
/// (a complete run folder under cells/) and its summary (mean and 95% CI per strategy and metric),
/// so a reader needs no other file to compare cells. `simulator report` redraws the sweep from it
/// and the cell folders.
/// </summary>
public static class SweepJson
{
    public const string FileName = "sweep.json";

    public static string Write(SweepResult sweep)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("scenario", sweep.ScenarioName);
            w.WriteString("primary_metric", sweep.PrimaryMetric);
            w.WriteStartArray("axes");
            foreach (var axis in sweep.Axes)
            {
                w.WriteStartObject();
                w.WriteString("path", axis.Path);
                w.WriteStartArray("values");
                foreach (var value in axis.Values)
                {
                    w.WriteRawValue(value);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("cells");
            foreach (var cell in sweep.Cells)
            {
                w.WriteStartObject();
                w.WriteNumber("index", cell.Index);
                w.WriteString("folder", cell.Folder);
                w.WriteStartObject("settings");
                foreach (var setting in cell.Settings)
                {
                    w.WritePropertyName(setting.Path);
                    w.WriteRawValue(setting.Value);
                }

                w.WriteEndObject();
                w.WriteStartObject("strategies");
                foreach (var (strategy, metrics) in cell.Run.Summary)
                {
                    w.WriteStartObject(strategy);
                    foreach (var (metric, summary) in metrics)
                    {
                        w.WriteStartObject(metric);
                        Number(w, "mean", summary.Mean);
                        Number(w, "ci_low", summary.CiLow);
                        Number(w, "ci_high", summary.CiHigh);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Reads sweep.json and every cell folder it lists back into the result that wrote them.</summary>
    public static SweepResult Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var axes = root.GetProperty("axes").EnumerateArray()
                .Select(a => new SweepAxis(a.GetProperty("path").GetString()!, a.GetProperty("values").EnumerateArray().Select(v => v.GetRawText()).ToArray()))
                .ToArray();
            var cells = root.GetProperty("cells").EnumerateArray().Select(c =>
            {
                var folder = c.GetProperty("folder").GetString()!;
                if (Path.IsPathRooted(folder) || folder.Split('/', '\\').Contains(".."))
                {
                    throw new RunFolderException($"{path}: cell folder \"{folder}\" must lie inside the sweep folder");
                }

                var settings = c.GetProperty("settings").EnumerateObject().Select(p => new SweepSetting(p.Name, p.Value.GetRawText())).ToArray();
                return new SweepCellResult(c.GetProperty("index").GetInt32(), folder, settings, RunFolderReader.Read(Path.Combine(directory, folder)));
            }).ToArray();
            if (cells.Length == 0)
            {
                throw new RunFolderException($"{path}: the sweep lists no cells");
            }

            var scenarioJson = File.ReadAllText(Path.Combine(directory, RunFileNames.Scenario));
            return new SweepResult(root.GetProperty("scenario").GetString()!, scenarioJson, axes, cells);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new RunFolderException($"{path}: not a readable sweep index ({e.Message})");
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
