using System.Globalization;
using System.Text.Json;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>
/// scenarios/schema.json stays in sync with ScenarioParser (fields, enums, bounds, defaults), and
/// every scenario file in scenarios/ (bench-*.json excepted) validates against it.
/// </summary>
public sealed class ScenarioSchemaTests
{
    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Fields that apply only to one curve or drift kind: the value the selector must have.</summary>
    private static readonly Dictionary<string, (string Path, string Value)> Context = new(StringComparer.Ordinal)
    {
        ["$.forgetting.halfLife"] = ("forgetting.curve", "exponential"),
        ["$.forgetting.tau"] = ("forgetting.curve", "power-law"),
        ["$.forgetting.exponent"] = ("forgetting.curve", "power-law"),
        ["$.drift.kappa"] = ("drift.kind", "ornstein-uhlenbeck"),
        ["$.drift.sigma"] = ("drift.kind", "ornstein-uhlenbeck"),
        ["$.drift.midpoint"] = ("drift.kind", "gradual"),
        ["$.drift.width"] = ("drift.kind", "gradual"),
        ["$.drift.amplitude"] = ("drift.kind", "seasonal"),
        ["$.drift.period"] = ("drift.kind", "seasonal"),
        ["$.drift.phase"] = ("drift.kind", "seasonal"),
    };

    private static JsonElement Schema()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", "schema.json")));
        return doc.RootElement.Clone();
    }

    private static JsonElement At(JsonElement schema, string path)
    {
        var node = schema;
        foreach (var part in path[2..].Split('.'))
        {
            node = node.GetProperty("properties").GetProperty(part);
        }

        return node;
    }

    /// <summary>Every field path the parser accepts: the resolved scenario for every curve x drift kind, every strategy as an object.</summary>
    private static SortedSet<string> ParserPaths()
    {
        // "sweep" maps parameter paths (not fields) to value lists: its keys are checked by the parser, not listed here.
        var paths = new SortedSet<string>(StringComparer.Ordinal) { "$.$schema", "$.sweep" };
        var strategies = string.Join(", ", StrategyCatalog.All.Select(d => $"{{ \"name\": \"{d.Name}\" }}"));
        foreach (var curve in ScenarioParser.Curves.Keys)
        {
            foreach (var kind in ScenarioParser.DriftKinds.Keys)
            {
                var json = $$"""{ "forgetting": { "curve": "{{curve}}" }, "drift": { "kind": "{{kind}}" }, "strategies": [{{strategies}}] }""";
                var written = ScenarioWriter.ToJson(ScenarioParser.Parse(json, "maximal"));
                using var doc = JsonDocument.Parse(written);
                Collect(doc.RootElement, "$", paths);

                // What the writer writes, the parser reads back without complaint.
                Assert.Equal(written, ScenarioWriter.ToJson(ScenarioParser.Parse(written, "x")));
            }
        }

        // An array of drift processes (every kind) and user segments: the paths below "drift[]" and "segments[]".
        var kinds = string.Join(", ", ScenarioParser.DriftKinds.Keys.Select(k => $$"""{ "kind": "{{k}}" }"""));
        var combined = $$"""{ "drift": [{{kinds}}], "population": { "segments": [{ "name": "loyal" }, { "name": "explorer" }] } }""";
        var combinedWritten = ScenarioWriter.ToJson(ScenarioParser.Parse(combined, "combined"));
        using (var doc = JsonDocument.Parse(combinedWritten))
        {
            Collect(doc.RootElement, "$", paths);
        }

        Assert.Equal(combinedWritten, ScenarioWriter.ToJson(ScenarioParser.Parse(combinedWritten, "x")));

        // A plugin and a policy server, read without loading them (their numeric fields kept as parameters).
        const string external = """{ "strategies": [{ "name": "mine", "plugin": "p.dll", "type": "P.Strategy" }, { "name": "remote", "endpoint": "http://127.0.0.1:50051", "timeout": 5 }] }""";
        var externalWritten = ScenarioWriter.ToJson(ScenarioParser.Parse(external, "external"));
        using (var doc = JsonDocument.Parse(externalWritten))
        {
            Collect(doc.RootElement, "$", paths);
        }

        Assert.Equal(externalWritten, ScenarioWriter.ToJson(ScenarioParser.Parse(externalWritten, "x")));
        return paths;
    }

    private static void Collect(JsonElement e, string path, SortedSet<string> paths)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                paths.Add($"{path}.{p.Name}");
                Collect(p.Value, $"{path}.{p.Name}", paths);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                Collect(item, $"{path}[]", paths);
            }
        }
    }

    private static void SchemaPaths(JsonElement s, string path, SortedSet<string> paths)
    {
        if (s.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (s.TryGetProperty("properties", out var properties))
        {
            foreach (var p in properties.EnumerateObject())
            {
                paths.Add($"{path}.{p.Name}");
                SchemaPaths(p.Value, $"{path}.{p.Name}", paths);
            }
        }

        if (s.TryGetProperty("items", out var items))
        {
            SchemaPaths(items, $"{path}[]", paths);
        }

        if (s.TryGetProperty("anyOf", out var anyOf))
        {
            foreach (var branch in anyOf.EnumerateArray())
            {
                SchemaPaths(branch, path, paths);
            }
        }
    }

    private static void AllObjectsClosed(JsonElement s, string path)
    {
        if (s.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (s.TryGetProperty("type", out var type) && (type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => t.GetString() == "object") : type.GetString() == "object"))
        {
            // Closed (false), or a map whose every value has a schema (sweep: path -> values).
            Assert.True(
                s.TryGetProperty("additionalProperties", out var a) && a.ValueKind is JsonValueKind.False or JsonValueKind.Object,
                $"{path}: additionalProperties must be false or a schema");
        }

        foreach (var child in s.EnumerateObject().Where(p => p.Name is "properties"))
        {
            foreach (var p in child.Value.EnumerateObject())
            {
                AllObjectsClosed(p.Value, $"{path}.{p.Name}");
            }
        }

        if (s.TryGetProperty("items", out var items))
        {
            AllObjectsClosed(items, $"{path}[]");
        }

        if (s.TryGetProperty("anyOf", out var anyOf))
        {
            foreach (var branch in anyOf.EnumerateArray())
            {
                AllObjectsClosed(branch, path);
            }
        }
    }

    [Fact]
    public void Schema_fields_equal_the_fields_the_parser_accepts()
    {
        var schemaPaths = new SortedSet<string>(StringComparer.Ordinal);
        SchemaPaths(Schema(), "$", schemaPaths);
        var parserPaths = ParserPaths();
        Assert.Equal(string.Join("\n", parserPaths), string.Join("\n", schemaPaths));
        AllObjectsClosed(Schema(), "$");
    }

    [Fact]
    public void Schema_enums_equal_the_catalogs()
    {
        var schema = Schema();
        Assert.Equal(ScenarioParser.Curves.Keys.Order(), At(schema, "$.forgetting.curve").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(ScenarioParser.DriftKinds.Keys.Order(), At(schema, "$.drift.kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());

        var names = StrategyCatalog.All.Select(d => d.Name).Order().ToList();
        // Built-ins have one branch each (their name a const); plugins and policy servers one branch each besides.
        var items = At(schema, "$.strategies").GetProperty("items").GetProperty("anyOf").EnumerateArray()
            .Where(b => b.ValueKind != JsonValueKind.Object || !b.TryGetProperty("properties", out var p) || p.GetProperty("name").TryGetProperty("const", out _))
            .ToList();
        Assert.Equal(names, items[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(names, items.Skip(1).Select(b => b.GetProperty("properties").GetProperty("name").GetProperty("const").GetString()!).Order());
        Assert.Equal(names, At(schema, "$.reference").GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
        foreach (var descriptor in StrategyCatalog.All)
        {
            var branch = items.Skip(1).Single(b => b.GetProperty("properties").GetProperty("name").GetProperty("const").GetString() == descriptor.Name);
            foreach (var p in descriptor.Parameters)
            {
                var field = branch.GetProperty("properties").GetProperty(p.Name);
                Assert.Equal(p.Min, field.GetProperty("minimum").GetDouble());
                Assert.Equal(p.Max, field.GetProperty("maximum").GetDouble());
                Assert.Equal(p.Default, field.GetProperty("default").GetDouble());
            }
        }

        // Metric names for k = 10: the plain names are an enum, the @k names a pattern.
        var metrics = At(schema, "$.metrics").GetProperty("items");
        var catalog = MetricCatalog.For(10).Select(m => m.Name).ToList();
        Assert.Equal(
            catalog.Where(n => !n.Contains('@', StringComparison.Ordinal)).Order(),
            metrics.GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
        foreach (var name in catalog)
        {
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(name));
            Assert.Empty(JsonSchemaChecker.Check(metrics, doc.RootElement));
        }

        using var bad = JsonDocument.Parse("\"ndcg@\"");
        Assert.NotEmpty(JsonSchemaChecker.Check(metrics, bad.RootElement));
    }

    public static TheoryData<string> NumericFields() => [.. NumericPaths()];

    private static List<string> NumericPaths()
    {
        var data = new List<string>();
        var schema = Schema();
        foreach (var section in schema.GetProperty("properties").EnumerateObject())
        {
            if (section.Value.TryGetProperty("properties", out var fields))
            {
                foreach (var f in fields.EnumerateObject().Where(f => f.Value.GetProperty("type").GetString() is "number" or "integer"))
                {
                    data.Add($"$.{section.Name}.{f.Name}");
                }
            }
            else if (section.Value.TryGetProperty("type", out var t) && t.GetString() is "number" or "integer")
            {
                data.Add($"$.{section.Name}");
            }
        }

        return data;
    }

    [Fact]
    public void Bounds_are_checked_for_users_ticks_activity_and_temperature()
    {
        var fields = NumericPaths();
        Assert.Contains("$.population.users", fields);
        Assert.Contains("$.ticks", fields);
        Assert.Contains("$.population.activity", fields);
        Assert.Contains("$.choice.temperature", fields);
    }

    /// <summary>The parser accepts a value on each inclusive bound and refuses one just beyond it; same for exclusive minima.</summary>
    [Theory]
    [MemberData(nameof(NumericFields))]
    public void Numeric_bounds_match_what_the_parser_enforces(string path)
    {
        var field = At(Schema(), path);
        var integer = field.GetProperty("type").GetString() == "integer";
        var step = integer ? 1m : 0.001m;
        if (field.TryGetProperty("minimum", out var min))
        {
            var b = Decimal(min);
            Assert.True(Accepts(path, b), $"{path} = {b} (minimum) should be accepted");
            Assert.False(Accepts(path, b - step), $"{path} = {b - step} (below minimum) should be refused");
        }

        if (field.TryGetProperty("exclusiveMinimum", out var exMin))
        {
            var b = Decimal(exMin);
            Assert.False(Accepts(path, b), $"{path} = {b} (exclusive minimum) should be refused");
            Assert.True(Accepts(path, b + step), $"{path} = {b + step} should be accepted");
        }

        if (field.TryGetProperty("maximum", out var max))
        {
            var b = Decimal(max);
            Assert.True(Accepts(path, b), $"{path} = {b} (maximum) should be accepted");
            Assert.False(Accepts(path, b + step), $"{path} = {b + step} (above maximum) should be refused");
        }

        Assert.True(
            field.TryGetProperty("minimum", out _) || field.TryGetProperty("exclusiveMinimum", out _),
            $"{path}: every numeric field has a lower bound");
    }

    /// <summary>Defaults in the schema are the values the parser resolves when the field is absent.</summary>
    [Theory]
    [MemberData(nameof(NumericFields))]
    public void Numeric_defaults_match_the_parser(string path)
    {
        var field = At(Schema(), path);
        var overrides = Context.TryGetValue(path, out var c) ? new[] { KeyValuePair.Create(c.Path, $"\"{c.Value}\"") } : [];
        var resolved = ScenarioWriter.ToJson(ScenarioParser.Parse(ScenarioOverrides.Apply("{}", overrides), "defaults"));
        using var doc = JsonDocument.Parse(resolved);
        var node = doc.RootElement;
        foreach (var part in path[2..].Split('.'))
        {
            node = node.GetProperty(part);
        }

        Assert.Equal((float)field.GetProperty("default").GetDouble(), (float)node.GetDouble());
    }

    private static decimal Decimal(JsonElement e) => decimal.Parse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool Accepts(string path, decimal value)
    {
        var overrides = new List<KeyValuePair<string, string>> { new(path[2..], value.ToString(CultureInfo.InvariantCulture)) };
        if (Context.TryGetValue(path, out var c))
        {
            overrides.Add(new(c.Path, $"\"{c.Value}\""));
        }

        if (path == "$.catalog.items")
        {
            overrides.Add(new("slateSize", "1"));
        }

        if (path == "$.catalog.initialItems")
        {
            overrides.Add(new("catalog.items", "10000000"));
        }

        try
        {
            ScenarioParser.Parse(ScenarioOverrides.Apply("{}", overrides), "bounds");
            return true;
        }
        catch (ScenarioException e)
        {
            Assert.Contains(e.Errors, x => x.Path == path);
            return false;
        }
    }

    public static TheoryData<string> ScenarioFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot(), "scenarios"), "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (!name.StartsWith("bench-", StringComparison.Ordinal) && name != "schema.json")
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ScenarioFiles))]
    public void Scenario_file_points_at_and_validates_against_the_schema(string name)
    {
        var text = File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", name));
        using var doc = JsonDocument.Parse(text, Lenient);
        Assert.Equal("./schema.json", doc.RootElement.GetProperty("$schema").GetString());
        Assert.Empty(JsonSchemaChecker.Check(Schema(), doc.RootElement));
        ScenarioParser.Parse(text, Path.GetFileNameWithoutExtension(name));
    }

    [Fact]
    public void Resolved_scenarios_validate_and_the_checker_catches_violations()
    {
        var schema = Schema();
        foreach (var curve in ScenarioParser.Curves.Keys)
        {
            foreach (var kind in ScenarioParser.DriftKinds.Keys)
            {
                var json = $$"""{ "forgetting": { "curve": "{{curve}}" }, "drift": { "kind": "{{kind}}", } }""";
                using var doc = JsonDocument.Parse(ScenarioWriter.ToJson(ScenarioParser.Parse(json, "resolved")));
                Assert.Empty(JsonSchemaChecker.Check(schema, doc.RootElement));
            }
        }

        foreach (var (bad, expected) in new[]
                 {
                     ("""{ "ticks": 0 }""", "$.ticks"),
                     ("""{ "ticks": 2.5 }""", "$.ticks"),
                     ("""{ "population": { "userz": 5 } }""", "$.population.userz"),
                     ("""{ "strategies": ["nosuch"] }""", "$.strategies[0]"),
                     ("""{ "strategies": [{ "name": "ema", "alpha": 2 }] }""", "$.strategies[0]"),
                     ("""{ "forgetting": { "curve": "linear" } }""", "$.forgetting.curve"),
                     ("""{ "choice": { "temperature": 0 } }""", "$.choice.temperature"),
                     ("""{ "metrics": [] }""", "$.metrics"),
                 })
        {
            using var doc = JsonDocument.Parse(bad);
            var errors = JsonSchemaChecker.Check(schema, doc.RootElement);
            Assert.Contains(errors, e => e.StartsWith(expected + ":", StringComparison.Ordinal));
        }
    }
}
