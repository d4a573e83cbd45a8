using System.Text.Json;
using Simulator.Core.Compute;

namespace Simulator.Core.Scenarios;

/// <summary>
/// A recorded throughput experiment (scenarios/bench-*.json): the sizes to sweep and how to time
/// them. Every field is optional; command-line options override the file.
/// </summary>
public sealed record BenchExperiment(
    string Name,
    string Description,
    IReadOnlyList<int> Users,
    IReadOnlyList<int> Items,
    int Dim,
    int K,
    int Repetitions,
    string Device)
{
    public static readonly BenchExperiment Default = new("bench", "tick-1M", [1_000_000], [1000], 32, 10, 5, "auto");

    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 };

    /// <summary>Parses and validates an experiment file's text; throws <see cref="ScenarioException"/> listing every problem.</summary>
    public static BenchExperiment Parse(string json, string fallbackName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new ScenarioException([new ScenarioError("$", $"not valid JSON at line {(e.LineNumber ?? 0) + 1}: {e.Message.Split(". ")[0]}.") { Line = (int)(e.LineNumber ?? 0) + 1 }]);
        }

        using (document)
        {
            var errors = ScenarioLines.Duplicates(json, withLines: true);
            var r = new JsonObjectReader(document.RootElement, "$", errors);
            r.String("$schema", string.Empty);
            var experiment = new BenchExperiment(
                r.String("name", fallbackName),
                r.String("description", string.Empty),
                Sizes(r, "users", Default.Users, ScenarioParser.MaxUsers, errors),
                Sizes(r, "items", Default.Items, ScenarioParser.MaxItems, errors),
                r.Int("dim", Default.Dim, 1, 128),
                r.Int("k", Default.K, 1, 64),
                r.Int("reps", Default.Repetitions, 1, 1000),
                r.String("device", Default.Device));
            if (!EngineKinds.All.Contains(experiment.Device))
            {
                r.Error("device", $"expected one of {string.Join(", ", EngineKinds.All)}, found \"{experiment.Device}\"{Suggest.DidYouMean(experiment.Device, EngineKinds.All)}");
            }

            if (experiment.Items.Count > 0 && experiment.K > experiment.Items.Min())
            {
                r.Error("k", $"slate size {experiment.K} is larger than the smallest catalog ({experiment.Items.Min()} items)");
            }

            r.Finish();
            return errors.Count == 0 ? experiment : throw new ScenarioException(ScenarioLines.Attach(errors, json, []));
        }
    }

    /// <summary>A size or a list of sizes; numbers like 1e6 are accepted when they are whole.</summary>
    private static List<int> Sizes(JsonObjectReader r, string field, IReadOnlyList<int> fallback, int max, List<ScenarioError> errors)
    {
        if (!r.TryGet(field, out var value))
        {
            return [.. fallback];
        }

        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
        var result = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            var e = items[i];
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var d) || d != Math.Floor(d) || d < 1 || d > max)
            {
                var path = value.ValueKind == JsonValueKind.Array ? $"{r.Child(field)}[{i}]" : r.Child(field);
                errors.Add(new ScenarioError(path, $"expected a whole number in [1, {max}], found {JsonObjectReader.Found(e, path)}"));
                continue;
            }

            result.Add((int)d);
        }

        if (items.Count == 0)
        {
            errors.Add(new ScenarioError(r.Child(field), "expected a number or a non-empty array of numbers"));
        }

        return result;
    }
}
