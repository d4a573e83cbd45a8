using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>One generated scenario: its base, the kind of change, where, what, and the text.</summary>
internal sealed record SchemaVariant(string Base, string Kind, string Path, string Change, string Text)
{
    public string Label => $"{Base}: {Kind} at {Path}: {Change}";
}

/// <summary>
/// A place in a scenario that the schema describes: its path (property names and array indices),
/// the schema that applies there, and the value the base has there (absent: not in the base).
/// </summary>
internal sealed record SchemaSlot(IReadOnlyList<object> Segments, JsonElement Schema, bool Present, JsonNode? Value, string SchemaKey)
{
    public string Path => SchemaVariants.PathOf(Segments);
}

/// <summary>
/// Generates scenario variants from scenarios/schema.json itself: it walks a base scenario alongside
/// the schema and, at every place the schema describes (whether the base has a value there or
/// not), derives changes from the schema's own keywords: null; a value of each JSON type the
/// schema does not allow; every numeric bound exactly and one step beyond (a fraction and a
/// whole number in float notation for integers); other and misspelt enum or const values;
/// strings breaking a pattern; an empty object, an unknown and a wrongly cased field on objects;
/// an empty array, one item too many and a repeated item on arrays; and a field written twice.
/// Nothing here knows a field name: a new schema rule gets variants without editing this file.
/// </summary>
internal static class SchemaVariants
{
    private static readonly (string Type, string Json)[] Probes =
    [
        ("string", "\"probe\""),
        ("number", "7.5"),
        ("boolean", "true"),
        ("object", "{\"probe\": 1}"),
        ("array", "[1]"),
    ];

    public static string PathOf(IEnumerable<object> segments) =>
        "$" + string.Concat(segments.Select(s => s is int i ? $"[{i}]" : $".{s}"));

    /// <summary>Every place the schema describes in <paramref name="root"/>, the root included.</summary>
    public static List<SchemaSlot> Slots(JsonElement schema, JsonNode root)
    {
        var slots = new List<SchemaSlot> { new([], schema, true, root, "$") };
        Walk(schema, root, [], "$", slots);
        return slots;
    }

    private static void Walk(JsonElement schema, JsonNode? value, List<object> segments, string key, List<SchemaSlot> slots)
    {
        var (s, branchKey) = Resolve(schema, value);
        key += branchKey;
        if (value is JsonObject obj)
        {
            var properties = s.TryGetProperty("properties", out var p) ? p : default;
            if (properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in properties.EnumerateObject())
                {
                    var present = obj.TryGetPropertyValue(property.Name, out var child);
                    var childSegments = new List<object>(segments) { property.Name };
                    slots.Add(new SchemaSlot(childSegments, property.Value, present, child, $"{key}.{property.Name}"));
                    if (present)
                    {
                        Walk(property.Value, child, childSegments, $"{key}.{property.Name}", slots);
                    }
                }
            }

            if (s.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
            {
                foreach (var (name, child) in obj)
                {
                    if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(name, out _))
                    {
                        slots.Add(new SchemaSlot(new List<object>(segments) { name }, additional, true, child, $"{key}.*"));
                    }
                }
            }
        }
        else if (value is JsonArray array && s.TryGetProperty("items", out var items))
        {
            // Every item (the callers keep one change per place in the schema: a strategy's
            // parameters, {name} in the key, are places of their own; a metric name is one place).
            for (var i = 0; i < array.Count; i++)
            {
                var childSegments = new List<object>(segments) { i };
                var (_, itemKey) = Resolve(items, array[i]);
                slots.Add(new SchemaSlot(childSegments, items, true, array[i], $"{key}[]{itemKey}"));
                Walk(items, array[i], childSegments, $"{key}[]", slots);
            }
        }
    }

    /// <summary>The anyOf branch a value is meant for (a const name or enum it carries, else its type); the schema itself otherwise.</summary>
    private static (JsonElement Schema, string Key) Resolve(JsonElement schema, JsonNode? value)
    {
        if (!schema.TryGetProperty("anyOf", out var anyOf) || value is null)
        {
            return (schema, string.Empty);
        }

        var branches = anyOf.EnumerateArray().ToList();
        foreach (var b in branches)
        {
            if (value is JsonObject o && b.TryGetProperty("properties", out var bp) && bp.TryGetProperty("name", out var n) &&
                n.TryGetProperty("const", out var c) && o["name"] is JsonValue v && v.TryGetValue<string>(out var name) && name == c.GetString())
            {
                return (b, $"{{{name}}}");
            }
        }

        // A string the branch names (enum) or matches (pattern), else the first branch of its type.
        if (value is JsonValue sv && sv.TryGetValue<string>(out var text))
        {
            foreach (var b in branches)
            {
                if ((b.TryGetProperty("enum", out var e) && e.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String && x.GetString() == text)) ||
                    (b.TryGetProperty("pattern", out var p) && Regex.IsMatch(text, p.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1))))
                {
                    return (b, string.Empty);
                }
            }
        }

        foreach (var b in branches)
        {
            if (Types(b).Contains(TypeOf(value)))
            {
                return (b, string.Empty);
            }
        }

        return (schema, string.Empty);
    }

    /// <summary>The JSON types a schema allows ("integer" counts as "number"); empty when it does not say.</summary>
    public static HashSet<string> Types(JsonElement s)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        if (s.ValueKind != JsonValueKind.Object)
        {
            return types;
        }

        if (s.TryGetProperty("type", out var t))
        {
            foreach (var name in t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()!) : [t.GetString()!])
            {
                types.Add(name == "integer" ? "number" : name);
            }
        }
        else if (s.TryGetProperty("anyOf", out var anyOf))
        {
            foreach (var b in anyOf.EnumerateArray())
            {
                types.UnionWith(Types(b));
            }
        }
        else if (s.TryGetProperty("const", out var c))
        {
            types.Add(TypeOf(JsonNode.Parse(c.GetRawText())));
        }
        else if (s.TryGetProperty("enum", out var e))
        {
            types.UnionWith(e.EnumerateArray().Select(x => TypeOf(JsonNode.Parse(x.GetRawText()))));
        }

        return types;
    }

    private static string TypeOf(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => n.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
    };

    /// <summary>The changes the schema suggests at <paramref name="slot"/>: (kind, description, new value or a repeated field).</summary>
    public static IEnumerable<Change> Changes(SchemaSlot slot)
    {
        var s = slot.Schema;
        var types = Types(s);
        var isRoot = slot.Segments.Count == 0;
        if (!isRoot)
        {
            yield return Change.Set("null", "null", null);
        }

        if (types.Count > 0)
        {
            // One value of a type the schema does not allow here, the type turning with the place in
            // the document so that every type is tried somewhere.
            var wrong = Probes.Where(p => !types.Contains(p.Type)).ToList();
            if (wrong.Count > 0)
            {
                var (type, json) = wrong[(int)((uint)StableHash(slot.SchemaKey) % (uint)wrong.Count)];
                yield return Change.Set("wrong type", $"{type} {json}", JsonNode.Parse(json));
            }
        }

        foreach (var change in NumberChanges(s))
        {
            yield return change;
        }

        foreach (var change in EnumChanges(slot))
        {
            yield return change;
        }

        foreach (var change in StringChanges(slot))
        {
            yield return change;
        }

        if (types.Contains("object") || (types.Count == 0 && slot.Value is JsonObject))
        {
            foreach (var change in ObjectChanges(slot))
            {
                yield return change;
            }
        }

        if (types.Contains("array"))
        {
            foreach (var change in ArrayChanges(slot))
            {
                yield return change;
            }
        }

        if (slot.Present && slot.Segments.Count > 0 && slot.Segments[^1] is string)
        {
            yield return Change.Repeat();
        }
    }

    private static int StableHash(string text)
    {
        var h = 17;
        foreach (var c in text)
        {
            h = unchecked((h * 31) + c);
        }

        return h;
    }

    private static IEnumerable<Change> NumberChanges(JsonElement s)
    {
        if (!s.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String || t.GetString() is not ("number" or "integer"))
        {
            yield break;
        }

        var integer = t.GetString() == "integer";
        decimal Step(decimal bound) => integer ? 1m : (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)Math.Max(1m, Math.Abs(bound)))) - 3);
        if (s.TryGetProperty("minimum", out var min))
        {
            var m = min.GetDecimal();
            yield return Change.Number("at minimum", m);
            yield return Change.Number("below minimum", m - Step(m));
            if (integer)
            {
                yield return Change.Set("integer in float notation", $"{m}.0", JsonNode.Parse(string.Create(CultureInfo.InvariantCulture, $"{m}.0")));
                yield return Change.Set("integer in exponent notation", $"{m}e0", JsonNode.Parse(string.Create(CultureInfo.InvariantCulture, $"{m}e0")));
                yield return Change.Number("fraction", m + 0.5m);
            }
        }

        if (s.TryGetProperty("exclusiveMinimum", out var exMin))
        {
            var m = exMin.GetDecimal();
            yield return Change.Number("at exclusive minimum", m);
            yield return Change.Number("above exclusive minimum", m + Step(m));
        }

        if (s.TryGetProperty("maximum", out var max))
        {
            var m = max.GetDecimal();
            yield return Change.Number("at maximum", m);
            yield return Change.Number("above maximum", m + Step(m));
        }
    }

    private static IEnumerable<Change> EnumChanges(SchemaSlot slot)
    {
        var (s, _) = Resolve(slot.Schema, slot.Value);
        if (s.TryGetProperty("enum", out var e))
        {
            var values = e.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList();
            var current = slot.Value is JsonValue cv && cv.TryGetValue<string>(out var text) && values.Contains(text) ? text : values.FirstOrDefault();
            if (current is null)
            {
                yield break;
            }

            // Another allowed value: the first and the last that differ from the current one.
            foreach (var other in values.Where(v => v != current).Take(1).Concat(values.Where(v => v != current).TakeLast(1)).Distinct())
            {
                yield return Change.Set("other enum value", other, JsonValue.Create(other));
            }

            yield return Change.Set("misspelt enum value", current[..^1], JsonValue.Create(current[..^1]));
            yield return Change.Set("enum value in other case", char.ToUpperInvariant(current[0]) + current[1..], JsonValue.Create(char.ToUpperInvariant(current[0]) + current[1..]));
        }

        // A const name in an object branch (a strategy object): misspell it.
        if (slot.Value is JsonObject && s.TryGetProperty("properties", out var p) && p.TryGetProperty("name", out var n) && n.TryGetProperty("const", out var c))
        {
            var name = c.GetString()!;
            yield return Change.SetChild("misspelt const", "name", name[..^1], JsonValue.Create(name[..^1]));
        }
    }

    private static IEnumerable<Change> StringChanges(SchemaSlot slot)
    {
        var (s, _) = Resolve(slot.Schema, slot.Value);
        if (!s.TryGetProperty("pattern", out _) && !s.TryGetProperty("not", out _))
        {
            yield break;
        }

        var current = slot.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : "name";
        foreach (var (what, bad) in new[] { ("empty string", string.Empty), ("with a space", current + " x"), ("with a final newline", current + "\n"), ("with a slash", "a/" + current) })
        {
            yield return Change.Set("pattern", what, JsonValue.Create(bad));
        }
    }

    private static IEnumerable<Change> ObjectChanges(SchemaSlot slot)
    {
        if (slot.Segments.Count > 0)
        {
            yield return Change.Set("empty object", "{}", new JsonObject());
        }

        var (s, _) = Resolve(slot.Schema, slot.Value);
        if (slot.Value is not JsonObject obj)
        {
            yield break;
        }

        yield return Change.SetChild("unknown field", "bogusField", "1", JsonValue.Create(1));

        // A map (additionalProperties is a schema: the sweep's path -> values): an unknown key with a
        // well-typed value, keys that break propertyNames, and the map's own name as a key.
        if (s.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
        {
            JsonNode WellTyped() => Types(additional).Contains("array") ? new JsonArray(1) : JsonValue.Create(1);
            yield return Change.SetChild("unknown key", "bogus.field", "[1]", WellTyped());
            var keys = new List<string> { string.Empty, "a..b", ".a", "a." };
            if (slot.Segments.Count > 0 && slot.Segments[^1] is string own)
            {
                keys.AddRange([own, own + ".x"]);
            }

            if (s.TryGetProperty("propertyNames", out _))
            {
                foreach (var key in keys)
                {
                    yield return Change.SetChild("key breaking propertyNames", key, "[1]", WellTyped());
                }
            }
        }
        if (s.TryGetProperty("properties", out var p))
        {
            var first = p.EnumerateObject().Select(x => x.Name).FirstOrDefault(n => n.Length > 1 && char.IsAsciiLetterLower(n[0]));
            if (first is not null)
            {
                var cased = char.ToUpperInvariant(first[0]) + first[1..];
                var value = obj.TryGetPropertyValue(first, out var existing) ? existing?.DeepClone() : JsonValue.Create(1);
                yield return Change.SetChild("field in other case", cased, "the same value", value);
            }
        }
    }

    private static IEnumerable<Change> ArrayChanges(SchemaSlot slot)
    {
        yield return Change.Set("empty array", "[]", new JsonArray());
        if (slot.Value is not JsonArray array || array.Count == 0)
        {
            yield break;
        }

        var first = array[0];
        var repeated = new JsonArray([.. array.Select(x => x?.DeepClone()), first?.DeepClone()]);
        yield return Change.Set("repeated item", "the first item again", repeated);

        // The same item in another form of the anyOf (a name string and the object {"name": ...}).
        if (first is JsonValue fv && fv.TryGetValue<string>(out var name))
        {
            var withObject = new JsonArray([.. array.Select(x => x?.DeepClone()), new JsonObject { ["name"] = name }]);
            yield return Change.Set("repeated item in another form", "the first item as {\"name\": ...}", withObject);
        }

        var (s, _) = Resolve(slot.Schema, slot.Value);
        if (s.TryGetProperty("maxItems", out var maxItems))
        {
            var tooMany = new JsonArray([.. Enumerable.Range(0, maxItems.GetInt32() + 1).Select(_ => first?.DeepClone())]);
            yield return Change.Set("above maxItems", $"{maxItems.GetInt32() + 1} items", tooMany);
        }
    }

    /// <summary>The base with <paramref name="change"/> applied at <paramref name="slot"/>, as text.</summary>
    public static string Apply(JsonNode root, SchemaSlot slot, Change change, bool decorated)
    {
        var copy = root.DeepClone();
        string? repeat = null;
        switch (change.What)
        {
            case ChangeWhat.Repeat:
                repeat = slot.Path;
                break;
            case ChangeWhat.SetChild:
                var parent = Navigate(copy, slot.Segments);
                if (parent is not JsonObject o)
                {
                    throw new InvalidOperationException($"{slot.Path} is not an object");
                }

                o[change.Child!] = change.Value?.DeepClone();
                break;
            default:
                if (slot.Segments.Count == 0)
                {
                    return Render(change.Value, decorated, null);
                }

                var container = Navigate(copy, slot.Segments.Take(slot.Segments.Count - 1));
                switch (slot.Segments[^1], container)
                {
                    case (string name, JsonObject obj):
                        obj[name] = change.Value?.DeepClone();
                        break;
                    case (int index, JsonArray array):
                        array[index] = change.Value?.DeepClone();
                        break;
                    default:
                        throw new InvalidOperationException($"cannot set {slot.Path}");
                }

                break;
        }

        return Render(copy, decorated, repeat);
    }

    private static JsonNode? Navigate(JsonNode root, IEnumerable<object> segments)
    {
        var node = root;
        foreach (var segment in segments)
        {
            node = segment is int i ? node![i] : node![(string)segment];
        }

        return node;
    }

    /// <summary>
    /// JSON text of <paramref name="node"/>; <paramref name="decorated"/> adds comments and trailing
    /// commas (which the simulator accepts); <paramref name="repeatPath"/> writes that field twice.
    /// </summary>
    public static string Render(JsonNode? node, bool decorated, string? repeatPath)
    {
        var sb = new StringBuilder();
        if (decorated)
        {
            sb.Append("// a generated variant\n");
        }

        Write(sb, node, "$", 0, decorated, repeatPath);
        sb.Append('\n');
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, string path, int depth, bool decorated, string? repeatPath)
    {
        var indent = new string(' ', 2 * (depth + 1));
        var close = new string(' ', 2 * depth);
        switch (node)
        {
            case JsonObject obj:
                sb.Append("{\n");
                if (decorated && obj.Count > 0)
                {
                    sb.Append(indent).Append("/* fields */\n");
                }

                var pairs = obj.SelectMany(p => $"{path}.{p.Key}" == repeatPath ? [p, p] : new[] { p }).ToList();
                for (var i = 0; i < pairs.Count; i++)
                {
                    sb.Append(indent).Append(JsonSerializer.Serialize(pairs[i].Key)).Append(": ");
                    Write(sb, pairs[i].Value, $"{path}.{pairs[i].Key}", depth + 1, decorated, repeatPath);
                    sb.Append(i < pairs.Count - 1 || decorated ? ",\n" : "\n");
                }

                sb.Append(close).Append('}');
                break;
            case JsonArray array:
                sb.Append("[\n");
                for (var i = 0; i < array.Count; i++)
                {
                    sb.Append(indent);
                    Write(sb, array[i], $"{path}[{i}]", depth + 1, decorated, repeatPath);
                    sb.Append(i < array.Count - 1 || decorated ? ",\n" : "\n");
                }

                sb.Append(close).Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }
}

internal enum ChangeWhat
{
    Set,
    SetChild,
    Repeat,
}

/// <summary>One change at a slot: set its value, set a field of it, or write it twice.</summary>
internal sealed record Change(string Kind, string Description, ChangeWhat What, JsonNode? Value, string? Child = null)
{
    public static Change Set(string kind, string description, JsonNode? value) => new(kind, description, ChangeWhat.Set, value);

    public static Change SetChild(string kind, string child, string description, JsonNode? value) => new(kind, $"{child}: {description}", ChangeWhat.SetChild, value, child);

    public static Change Repeat() => new("repeated field", "written twice", ChangeWhat.Repeat, null);

    public static Change Number(string kind, decimal value) =>
        Set(kind, value.ToString(CultureInfo.InvariantCulture), JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture)));
}
