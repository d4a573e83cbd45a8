using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>
/// A small JSON Schema (2020-12) checker for the subset scenarios/schema.json uses: type, enum,
/// const, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minItems, items,
/// properties, required, additionalProperties (false or a schema), anyOf and boolean schemas.
/// Any other validation keyword fails loudly so the schema cannot silently outgrow the checker.
/// </summary>
internal static class JsonSchemaChecker
{
    private static readonly HashSet<string> Known =
    [
        "$schema", "$id", "title", "description", "default", "type", "enum", "const", "pattern", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minItems", "items", "properties", "required", "additionalProperties", "anyOf",
    ];

    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="value"/>, as "path: problem".</summary>
    public static List<string> Check(JsonElement schema, JsonElement value, string path = "$")
    {
        var errors = new List<string>();
        Check(schema, value, path, errors);
        return errors;
    }

    private static void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind is JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind is JsonValueKind.False)
        {
            errors.Add($"{path}: not allowed");
            return;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Known.Contains(keyword.Name))
            {
                throw new NotSupportedException($"schema keyword \"{keyword.Name}\" at {path} is not supported by the test checker");
            }
        }

        if (schema.TryGetProperty("type", out var type) && !HasType(value, type))
        {
            errors.Add($"{path}: expected type {type.GetRawText()}, found {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => JsonEquals(o, value)))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of {options.GetRawText()}");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonEquals(constant, value))
        {
            errors.Add($"{path}: expected {constant.GetRawText()}, found {value.GetRawText()}");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && value.ValueKind == JsonValueKind.String &&
            !Regex.IsMatch(value.GetString()!, pattern.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{path}: \"{value.GetString()}\" does not match {pattern.GetString()}");
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            var x = decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
            Bound(schema, "minimum", path, errors, b => x >= b, x);
            Bound(schema, "maximum", path, errors, b => x <= b, x);
            Bound(schema, "exclusiveMinimum", path, errors, b => x > b, x);
            Bound(schema, "exclusiveMaximum", path, errors, b => x < b, x);
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            var branches = anyOf.EnumerateArray().Select(b => Check(b, value, path)).ToList();
            if (branches.All(b => b.Count > 0))
            {
                errors.Add($"{path}: matches none of anyOf ({string.Join("; ", branches.Select(b => b[0]))})");
            }
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
            {
                errors.Add($"{path}: expected at least {minItems.GetInt32()} items");
            }

            if (schema.TryGetProperty("items", out var items))
            {
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(items, item, $"{path}[{i++}]", errors);
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema.TryGetProperty("properties", out var p) ? p : default;
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                {
                    if (!value.TryGetProperty(name, out _))
                    {
                        errors.Add($"{path}: missing required field \"{name}\"");
                    }
                }
            }

            foreach (var property in value.EnumerateObject())
            {
                var child = $"{path}.{property.Name}";
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var sub))
                {
                    Check(sub, property.Value, child, errors);
                }
                else if (schema.TryGetProperty("additionalProperties", out var additional))
                {
                    if (additional.ValueKind == JsonValueKind.False)
                    {
                        errors.Add($"{child}: unknown field (additionalProperties is false)");
                    }
                    else
                    {
                        Check(additional, property.Value, child, errors);
                    }
                }
            }
        }
    }

    private static void Bound(JsonElement schema, string keyword, string path, List<string> errors, Func<decimal, bool> ok, decimal x)
    {
        if (schema.TryGetProperty(keyword, out var bound) &&
            !ok(decimal.Parse(bound.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)))
        {
            errors.Add($"{path}: {x} violates {keyword} {bound.GetRawText()}");
        }
    }

    private static bool HasType(JsonElement value, JsonElement type) =>
        type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Any(t => HasType(value, t.GetString()!))
            : HasType(value, type.GetString()!);

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number &&
                     decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException($"type \"{type}\""),
    };

    private static bool JsonEquals(JsonElement a, JsonElement b) => JsonElement.DeepEquals(a, b);
}
