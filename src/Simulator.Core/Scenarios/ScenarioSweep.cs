using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Simulator.Core.Scenarios;

/// <summary>One axis of a sweep: a parameter path (override syntax, e.g. drift.rate or strategies.ema.alpha) and its values as JSON text.</summary>
public sealed record SweepAxis(string Path, IReadOnlyList<string> Values);

/// <summary>One setting of a sweep cell: the axis path and the value it takes there (JSON text).</summary>
public sealed record SweepSetting(string Path, string Value);

/// <summary>
/// One cell of a sweep: its position in the grid, its settings (one per axis) and the complete,
/// validated scenario it runs. A cell is an ordinary scenario, so it can run anywhere a scenario
/// runs (another process, another silo) and gives the same bytes.
/// </summary>
public sealed record SweepCell(int Index, IReadOnlyList<SweepSetting> Settings, Scenario Scenario)
{
    /// <summary>"drift.rate=0.05, forgetting.halfLife=4".</summary>
    public string Label => string.Join(", ", Settings.Select(s => $"{s.Path}={s.Value}"));

    /// <summary>A folder name: index and settings with only [A-Za-z0-9._=-], e.g. "03_drift.rate=0.05_forgetting.halfLife=4".</summary>
    public string FolderName => Index.ToString("D2", CultureInfo.InvariantCulture) + "_" +
        string.Join('_', Settings.Select(s => new string($"{s.Path}={s.Value}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '=' or '-' ? c : '-').ToArray())));
}

/// <summary>
/// Sweeps: a scenario's "sweep" object maps parameter paths to lists of values; the cells are the
/// full grid (cartesian product, first axis slowest). Each cell is the resolved base scenario with
/// that cell's values applied through <see cref="ScenarioOverrides"/>, so any field an override can
/// set can be swept, and each cell is validated exactly like a file.
/// </summary>
public static class ScenarioSweep
{
    /// <summary>Largest grid accepted: each cell is a full run.</summary>
    public const int MaxCells = 1000;

    /// <summary>Reads the shape of "sweep" (an object of non-empty arrays); values are checked against the scenario by <see cref="Validate"/>.</summary>
    internal static IReadOnlyList<SweepAxis> ReadAxes(JsonObjectReader parent, List<ScenarioError> errors)
    {
        if (!parent.TryGet("sweep", out var sweep))
        {
            return [];
        }

        var path = parent.Child("sweep");
        if (sweep.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ScenarioError(path, $"expected an object of parameter paths to value lists, e.g. {{\"drift.rate\": [0, 0.05]}}, found {JsonObjectReader.Found(sweep, path)}"));
            return [];
        }

        var axes = new List<SweepAxis>();
        long cells = 1;
        foreach (var axis in sweep.EnumerateObject())
        {
            var axisPath = $"{path}.{axis.Name}";
            if (axis.Name.Length == 0 || axis.Name.Split('.').Any(p => p.Length == 0) || axis.Name == "sweep" || axis.Name.StartsWith("sweep.", StringComparison.Ordinal))
            {
                errors.Add(new ScenarioError(axisPath, $"expected a parameter path of dot-separated field names (e.g. drift.rate), found \"{axis.Name}\""));
                continue;
            }

            if (axis.Value.ValueKind != JsonValueKind.Array || axis.Value.GetArrayLength() == 0)
            {
                errors.Add(new ScenarioError(axisPath, $"expected a non-empty array of values, found {JsonObjectReader.Found(axis.Value, axisPath)}"));
                continue;
            }

            // Distinct as JSON values (1 and 1.0 are the same value), as JSON Schema's uniqueItems.
            var elements = axis.Value.EnumerateArray().ToArray();
            var twice = Enumerable.Range(1, elements.Length - 1).FirstOrDefault(j => elements[..j].Any(e => JsonElement.DeepEquals(e, elements[j])));
            if (twice > 0)
            {
                errors.Add(new ScenarioError($"{axisPath}[{twice}]", $"expected distinct values; {elements[twice].GetRawText()} is listed twice"));
                continue;
            }

            var values = elements.Select(v => v.GetRawText()).ToArray();

            cells *= values.Length;
            axes.Add(new SweepAxis(axis.Name, values));
        }

        if (cells > MaxCells)
        {
            errors.Add(new ScenarioError(path, $"the grid has {cells} cells; expected at most {MaxCells}"));
        }

        return axes;
    }

    /// <summary>
    /// Checks every value on its own (errors point at that value: $.sweep.&lt;path&gt;[i]), then every
    /// cell (values valid alone may clash, e.g. a slate larger than a swept catalog).
    /// </summary>
    internal static void Validate(Scenario scenario, List<ScenarioError> errors)
    {
        var basis = Basis(scenario);
        foreach (var axis in scenario.Sweep)
        {
            for (var i = 0; i < axis.Values.Count; i++)
            {
                foreach (var problem in Problems(basis, scenario.Name, [new SweepSetting(axis.Path, axis.Values[i])]))
                {
                    errors.Add(new ScenarioError($"$.sweep.{axis.Path}[{i}]", $"{axis.Path}={axis.Values[i]}: {problem}"));
                }
            }
        }

        if (errors.Count > 0)
        {
            return;
        }

        foreach (var settings in Grid(scenario.Sweep))
        {
            foreach (var problem in Problems(basis, scenario.Name, settings))
            {
                errors.Add(new ScenarioError("$.sweep", $"cell {string.Join(", ", settings.Select(s => $"{s.Path}={s.Value}"))}: {problem}"));
            }
        }
    }

    /// <summary>Every cell of the scenario's sweep, in grid order (the first axis varies slowest).</summary>
    public static IReadOnlyList<SweepCell> Cells(Scenario scenario)
    {
        var basis = Basis(scenario);
        return Grid(scenario.Sweep)
            .Select((settings, index) => new SweepCell(index, settings, Apply(basis, scenario.Name, settings)))
            .ToArray();
    }

    /// <summary>
    /// The resolved scenario without its sweep. A default metric list is left out, so a cell that
    /// sweeps slateSize gets the defaults for its own k (ndcg@k and the like) rather than the base's.
    /// </summary>
    internal static string Basis(Scenario scenario)
    {
        var json = ScenarioWriter.ToJson(scenario with { Sweep = [] });
        if (!scenario.Metrics.SequenceEqual(Metrics.MetricCatalog.Defaults(scenario.SlateSize)))
        {
            return json;
        }

        var root = (JsonObject)JsonNode.Parse(json)!;
        root.Remove("metrics");
        return root.ToJsonString();
    }

    private static Scenario Apply(string basis, string name, IReadOnlyList<SweepSetting> settings) =>
        ScenarioParser.Parse(ScenarioOverrides.Apply(basis, settings.Select(s => new KeyValuePair<string, string>(s.Path, s.Value)).ToArray()), name);

    private static IEnumerable<string> Problems(string basis, string name, IReadOnlyList<SweepSetting> settings)
    {
        try
        {
            Apply(basis, name, settings);
            return [];
        }
        catch (ScenarioException e)
        {
            return e.Errors.Select(error => $"{error.Path}: {error.Message}");
        }
    }

    private static List<SweepSetting[]> Grid(IReadOnlyList<SweepAxis> axes)
    {
        var cells = new List<SweepSetting[]> { Array.Empty<SweepSetting>() };
        foreach (var axis in axes)
        {
            cells = cells.SelectMany(cell => axis.Values.Select(v => (SweepSetting[])[.. cell, new SweepSetting(axis.Path, v)])).ToList();
        }

        return cells;
    }
}
