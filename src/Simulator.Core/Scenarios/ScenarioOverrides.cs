using System.Text.Json;
using System.Text.Json.Nodes;

namespace Simulator.Core.Scenarios;

/// <summary>
/// Command-line overrides (`--set population.users=5000`) applied to the scenario text before
/// validation, so an override is checked exactly like a value written in the file.
/// </summary>
public static class ScenarioOverrides
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 };

    /// <summary>
    /// Sets each dotted path (object fields, or a named list entry such as strategies.ema.alpha;
    /// missing objects are created) to a value parsed
    /// as JSON when it is valid JSON, else taken as a string. Invalid scenario JSON, or JSON that
    /// repeats a field in an object, is returned unchanged so the parser reports it with its line.
    /// </summary>
    public static string Apply(string json, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        if (overrides.Count == 0 || ScenarioLines.Duplicates(json, withLines: false).Count > 0)
        {
            return json;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: Options);
        }
        catch (JsonException)
        {
            return json;
        }

        if (root is not JsonObject rootObject)
        {
            return json;
        }

        foreach (var (path, text) in overrides)
        {
            var parts = path.Split('.');
            if (parts.Any(p => p.Length == 0))
            {
                throw new ScenarioException([new ScenarioError($"$.{path}", "override path must be dot-separated field names, e.g. population.users") { Origin = $"--set {path}={text}" }]);
            }

            var node = rootObject;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                var next = node[parts[i]];
                if (next is null)
                {
                    next = new JsonObject();
                    node[parts[i]] = next;
                }

                if (next is JsonArray list && i + 2 < parts.Length)
                {
                    // strategies.<name>.<parameter>: the list entry with that name.
                    next = NamedEntry(list, parts[i + 1], $"$.{string.Join('.', parts[..(i + 1)])}", $"{path}={text}");
                    i++;
                }

                if (next is not JsonObject obj)
                {
                    throw new ScenarioException([new ScenarioError($"$.{string.Join('.', parts[..(i + 1)])}", $"cannot set {path}: this field is not an object") { Origin = $"--set {path}={text}" }]);
                }

                node = obj;
            }

            node[parts[^1]] = ParseValue(path, text);
        }

        return rootObject.ToJsonString();
    }

    /// <summary>
    /// The entry of a list of names or {"name": ...} objects (the strategies list) with the given
    /// name, turned into an object so a parameter can be set on it.
    /// </summary>
    private static JsonObject NamedEntry(JsonArray list, string name, string listPath, string origin)
    {
        for (var j = 0; j < list.Count; j++)
        {
            switch (list[j])
            {
                case JsonValue value when value.TryGetValue<string>(out var text) && text == name:
                    var entry = new JsonObject { ["name"] = name };
                    list[j] = entry;
                    return entry;
                case JsonObject obj when obj["name"] is JsonValue named && named.TryGetValue<string>(out var text) && text == name:
                    return obj;
            }
        }

        var names = list.Select(e => e is JsonObject o ? o["name"]?.ToString() : e?.ToString()).Where(n => n is not null).ToArray();
        throw new ScenarioException([new ScenarioError(listPath, $"no entry named \"{name}\"{Suggest.DidYouMean(name, names!)}; entries: {string.Join(", ", names)}") { Origin = $"--set {origin}" }]);
    }

    private static JsonNode? ParseValue(string path, string text)
    {
        try
        {
            var value = JsonNode.Parse(text);
            var repeated = ScenarioLines.Duplicates(text, withLines: false);
            if (repeated.Count > 0)
            {
                throw new ScenarioException([.. repeated.Select(e => new ScenarioError($"$.{path}{e.Path[1..]}", e.Message) { Origin = $"--set {path}={text}" })]);
            }

            return value;
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
