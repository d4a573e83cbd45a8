using System.Text.Json;
using Json.Schema;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>
/// The independent judge of the schema tests: JsonSchema.Net, a maintained JSON Schema (draft
/// 2020-12) validator, never the simulator's parser. Scenario text is read the way the simulator
/// reads it (comments skipped, trailing commas allowed, at most 32 levels deep), and a field
/// repeated in one object is refused by System.Text.Json's own check before the schema is applied:
/// a validator only ever sees the parsed object, in which the last value silently wins.
/// </summary>
internal static class JsonSchemaChecker
{
    /// <summary>How the simulator reads a scenario, plus System.Text.Json's refusal of repeated fields.</summary>
    public static readonly JsonDocumentOptions ScenarioReading = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
        AllowDuplicateProperties = false,
    };

    private static readonly Lazy<JsonSchema> ScenarioSchemaValue = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", "schema.json"))));

    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag };

    private static readonly EvaluationOptions Hierarchical = new() { OutputFormat = OutputFormat.Hierarchical };

    /// <summary>scenarios/schema.json, loaded once.</summary>
    public static JsonSchema ScenarioSchema => ScenarioSchemaValue.Value;

    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="value"/>, as "$.path: problem".</summary>
    public static List<string> Check(JsonElement schema, JsonElement value) => Violations(JsonSchema.FromText(schema.GetRawText()), value);

    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="value"/>, as "$.path: problem".</summary>
    public static List<string> Violations(JsonSchema schema, JsonElement value)
    {
        var results = schema.Evaluate(value, Hierarchical);
        if (results.IsValid)
        {
            return [];
        }

        var found = new List<string>();
        Collect(results, found);
        found = found.Distinct(StringComparer.Ordinal).ToList();
        return found.Count > 0 ? found : ["$: invalid"];
    }

    /// <summary>The errors of failing nodes, descending only into failing children (a passing "not" or anyOf branch says nothing).</summary>
    private static void Collect(EvaluationResults node, List<string> found)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            found.Add($"{ToPath(node.InstanceLocation.ToString())}: {message} ({keyword})");
        }

        foreach (var child in node.Details)
        {
            Collect(child, found);
        }
    }

    /// <summary>
    /// Null when the scenario text is valid for the schema (and readable as the simulator reads
    /// it, with no repeated field); else why not (which rules, only when <paramref name="explain"/>:
    /// listing them costs a second, slower evaluation).
    /// </summary>
    public static string? CheckScenarioText(string text, bool explain = false)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, ScenarioReading);
        }
        catch (JsonException e)
        {
            return $"not read: {e.Message}";
        }

        using (document)
        {
            if (ScenarioSchema.Evaluate(document.RootElement, Flag).IsValid)
            {
                return null;
            }

            return explain ? string.Join("; ", Violations(ScenarioSchema, document.RootElement).Take(4)) : "refused by the schema";
        }
    }

    /// <summary>A JSON Pointer (/strategies/0/name) as the simulator's JSON path ($.strategies[0].name).</summary>
    public static string ToPath(string pointer)
    {
        var path = "$";
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            path += name.All(char.IsAsciiDigit) ? $"[{name}]" : $".{name}";
        }

        return path;
    }
}
