using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Simulator.Cli.Commands;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;
using Simulator.Tests.Support;
using Xunit.Abstractions;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>
/// A rule the schema cannot express (it compares two values), so only the simulator checks it:
/// on a document the schema accepts, the parser may refuse with an error that matches one of
/// these (stricter), never the other way round (looser). docs/scenarios.md lists the same rules.
/// </summary>
internal sealed record CrossFieldRule(string Name, string Rule, string Reason, Regex Path, Regex Message);

/// <summary>
/// scenarios/schema.json and the simulator's parser give the same verdict on every scenario
/// generated from the schema (<see cref="SchemaVariants"/>) around the bundled scenarios and a few
/// resolved ones, judged on one side by JsonSchema.Net (<see cref="JsonSchemaChecker"/>) and on the
/// other by <see cref="ScenarioParser"/>; the same for every change given as --set and as a
/// one-value sweep, whose errors must name the override or the sweep value.
/// </summary>
public sealed class ScenarioSchemaDifferentialTests(ITestOutputHelper output)
{
    /// <summary>How many bases get the same change at the same schema place (the first that has the place, present or absent): keeps the test to seconds.</summary>
    private const int PerKey = 1;

    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The allow-list: every rule the parser checks that the schema cannot express. Keep docs/scenarios.md in step.</summary>
    internal static readonly CrossFieldRule[] CrossFieldRules =
    [
        new(
            "slate-fits-catalog",
            "slateSize is at most catalog.items",
            "compares two fields",
            new(@"^\$\.slateSize$"),
            new("is larger than the catalog")),
        new(
            "initial-items",
            "catalog.initialItems is 0 or between slateSize and catalog.items",
            "compares three fields",
            new(@"^\$\.catalog\.initialItems$"),
            new("initial items (exceed the catalog|cannot fill a slate)")),
        new(
            "events-before-end",
            "every drift event tick is below ticks",
            "compares each event with ticks; the schema bounds events by the largest ticks only",
            new(@"^\$\.drift(\[\d+\])?\.events\[\d+\]$"),
            new(@"^expected a tick number in \[1, \d+\], found the number")),
        new(
            "reference-listed",
            "reference is one of the scenario's strategies",
            "compares reference with the strategies list (the schema allows any strategy name)",
            new(@"^\$\.reference$"),
            new("is not among the strategies")),
        new(
            "strategy-once",
            "each strategy is listed once, whether by name or as an object",
            "uniqueItems in the schema catches a repeated item only in the same form (\"ema\" twice, not \"ema\" and {\"name\": \"ema\"})",
            new(@"^\$\.strategies\[\d+\]$"),
            new("is listed twice")),
        new(
            "segment-once",
            "segment names are distinct",
            "compares a field across the items of an array",
            new(@"^\$\.population\.segments\[\d+\]\.name$"),
            new("is listed twice")),
        new(
            "metric-k",
            "a metric@k names k = slateSize",
            "compares the metric's k with slateSize (the schema allows any k)",
            new(@"^\$\.metrics\[\d+\]$"),
            new(@"^unknown metric the string ""(ndcg|recall|hitrate)@[1-9][0-9]*""")),
        new(
            "heads-divide-hidden",
            "an attention model's (sasrec, tisasrec) heads divide its hidden width",
            "compares two parameters of a strategy (the schema bounds each alone)",
            new(@"^\$\.strategies\[\d+\]\.heads$"),
            new(@"^\d+ heads do not split hidden = \d+ evenly")),
        new(
            "sweep-values",
            "a sweep key is a settable parameter path, each value is valid for the field it sets, each cell is a valid scenario, at most 1,000 cells",
            "a key is a path into the scenario, so its values are validated by setting them (checked against the schema by the override and sweep test below)",
            new(@"^\$\.sweep(\..+)?$"),
            new(".")),
    ];

    /// <summary>
    /// Resolved scenarios (every field explicit) that put each curve, drift kind and segment field
    /// in a base, attention heads that a bound of hidden does not split (2 for sasrec's 4 heads,
    /// 1024 for tisasrec's 3), then every strategy with its parameters, five to a base (a document
    /// with all of them costs the validator several times as much per variant).
    /// </summary>
    private static readonly (string Name, string Json)[] Resolved =
    [
        ("resolved-exponential-ou-segments", """{ "forgetting": { "curve": "exponential" }, "drift": { "kind": "ornstein-uhlenbeck" }, "population": { "segments": [{ "name": "loyal", "weight": 2 }, { "name": "explorer" }] }, "churn": { "threshold": 0.2 }, "strategies": ["ema", "d-ucb"] }"""),
        ("resolved-power-law-gradual", """{ "forgetting": { "curve": "power-law" }, "drift": { "kind": "gradual" }, "strategies": ["ema", "oracle"], "reference": "oracle" }"""),
        ("resolved-seasonal-arrivals", """{ "drift": { "kind": "seasonal" }, "catalog": { "items": 400, "initialItems": 100, "arrivalRate": 5 }, "strategies": ["random"] }"""),
        ("resolved-attention-heads", """{ "strategies": [{ "name": "sasrec", "heads": 4 }, { "name": "tisasrec", "hidden": 48, "heads": 3 }] }"""),
        ("resolved-drift-array", """{ "drift": [{ "kind": "abrupt", "events": [5] }, { "kind": "stationary" }, { "kind": "ornstein-uhlenbeck" }, { "kind": "gradual" }, { "kind": "seasonal" }], "strategies": ["popularity"] }"""),
    ];

    private static JsonElement Schema()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", "schema.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>The bundled scenarios (bench experiment files excepted) as written, then the resolved ones.</summary>
    private static List<(string Name, string Text)> Bases()
    {
        var bases = Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot(), "scenarios"), "*.json")
            .Select(f => Path.GetFileName(f))
            .Where(n => !n.StartsWith("bench-", StringComparison.Ordinal) && n != "schema.json")
            .Order(StringComparer.Ordinal)
            .Select(n => (n, File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", n))))
            .ToList();
        bases.AddRange(Resolved.Select(r => (r.Name, ScenarioWriter.ToJson(ScenarioParser.Parse(r.Json, r.Name)))));
        foreach (var chunk in StrategyCatalog.All.Select(d => $"\"{d.Name}\"").Chunk(5))
        {
            var name = $"resolved-strategies-{chunk[0].Trim('"')}";
            bases.Add((name, ScenarioWriter.ToJson(ScenarioParser.Parse($$"""{ "strategies": [{{string.Join(", ", chunk)}}] }""", name))));
        }

        return bases;
    }

    /// <summary>
    /// A value on a bound, which the schema accepts: where a cross-field rule may refuse, so it is
    /// set once in a bundled and once in a resolved base, whose context (explicit metrics, events,
    /// initialItems) differs.
    /// </summary>
    private static readonly HashSet<string> Probing = new(StringComparer.Ordinal) { "at minimum", "at maximum" };

    /// <summary>Every base as written, then every change the schema suggests at every place in it (at most <see cref="PerKey"/> bases per change and place).</summary>
    internal static List<SchemaVariant> FileVariants()
    {
        var schema = Schema();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var variants = new List<SchemaVariant>();
        foreach (var (name, text) in Bases())
        {
            var group = name.StartsWith("resolved-", StringComparison.Ordinal) ? "resolved" : "bundled";
            variants.Add(new SchemaVariant(name, "base", "$", "as written", text));
            var root = JsonNode.Parse(text, documentOptions: Lenient)!;
            foreach (var slot in SchemaVariants.Slots(schema, root))
            {
                foreach (var change in SchemaVariants.Changes(slot))
                {
                    // Repeating a field is refused the same way wherever it is: once per kind of object.
                    var place = change.What == ChangeWhat.Repeat ? slot.SchemaKey[..Math.Max(1, slot.SchemaKey.LastIndexOf('.'))] : $"{slot.SchemaKey}|{slot.Present}";
                    var key = $"{place}|{change.Kind}|{change.Description}" + (Probing.Contains(change.Kind) ? $"|{group}" : string.Empty);
                    seen[key] = seen.GetValueOrDefault(key) + 1;
                    if (seen[key] > PerKey)
                    {
                        continue;
                    }

                    // Every third variant carries comments and trailing commas, as the simulator accepts.
                    var text2 = SchemaVariants.Apply(root, slot, change, decorated: variants.Count % 3 == 0);
                    variants.Add(new SchemaVariant(name, change.Kind, change.Child is null ? slot.Path : $"{slot.Path}.{change.Child}", change.Description, text2));
                }
            }
        }

        return variants;
    }

    /// <summary>About 8 s of one core for some 1,900 variants: in the full suite, not the quick loop.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Parser_and_schema_validator_agree_on_every_generated_variant()
    {
        var tally = new Tally();
        foreach (var v in FileVariants())
        {
            tally.Judge(v.Label, v.Kind, v.Path, v.Text, () => ScenarioParser.Parse(v.Text, "variant"), requireRelated: true);
        }

        output.WriteLine(tally.Summary("file variants"));
        Assert.True(tally.Variants >= 500, $"only {tally.Variants} variants");
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} of {tally.Variants} variants disagree:\n{string.Join("\n", tally.Failures.Take(25))}");
        foreach (var kind in new[] { "null", "wrong type", "below minimum", "above maximum", "at maximum", "misspelt enum value", "unknown field", "empty object", "empty array", "repeated field" })
        {
            Assert.True(tally.Kinds.ContainsKey(kind), $"no variant of kind \"{kind}\"");
        }

        // An allow-list entry that no variant needs could hide a parser that became looser: drop it or add the variant.
        foreach (var rule in CrossFieldRules)
        {
            Assert.True(tally.RuleHits.GetValueOrDefault(rule.Name) > 0, $"cross-field rule {rule.Name} is never needed");
        }
    }

    [Fact]
    public void Overrides_and_sweep_values_agree_with_the_schema_and_name_their_origin()
    {
        var schema = Schema();
        var overrides = new Tally();
        var sweeps = new Tally();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, text) in Bases().Where(b => b.Name is "quickstart.json" or "resolved-exponential-ou-segments" || b.Name.StartsWith("resolved-strategies-", StringComparison.Ordinal)))
        {
            var root = JsonNode.Parse(text, documentOptions: Lenient)!.AsObject();
            var sweepless = root.DeepClone().AsObject();
            sweepless.Remove("sweep");

            // A sweep cell is the resolved base (without its sweep) with the cell's values set.
            var basis = ScenarioSweep.Basis(ScenarioParser.Parse(sweepless.ToJsonString(), name));
            foreach (var slot in SchemaVariants.Slots(schema, root))
            {
                foreach (var change in SchemaVariants.Changes(slot).Where(c => c.What != ChangeWhat.Repeat))
                {
                    var path = OverridePath(root, slot, change);
                    var value = change.Value?.ToJsonString() ?? "null";

                    // Each path and value once; a strategy's parameter (strategies.<name>.<parameter>)
                    // three times per kind of change: their bounds are the file test's business,
                    // the path through the named list entry is this test's.
                    var key = path is not null && path.StartsWith("strategies.", StringComparison.Ordinal) ? $"strategies|{change.Kind}" : $"{path}={value}";
                    seen[key] = seen.GetValueOrDefault(key) + 1;
                    if (path is null || seen[key] > (key.StartsWith("strategies|", StringComparison.Ordinal) ? 3 : 1))
                    {
                        continue;
                    }

                    var set = new[] { KeyValuePair.Create(path, value) };
                    var label = $"{name}: --set {path}={value} ({change.Kind})";
                    var origin = $"--set {path}={value}";
                    overrides.Judge(label, change.Kind, $"$.{path}", Edited(text, set), () =>
                        ScenarioParser.Parse(ScenarioOverrides.Apply(text, set), name, text, set), requireRelated: false, errors =>
                        errors.Any(e => e.Origin is not null && e.Origin.Contains(origin, StringComparison.Ordinal)) ? null : $"no error names {origin}");

                    if (path == "sweep" || path.StartsWith("sweep.", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var withSweep = sweepless.DeepClone().AsObject();
                    withSweep["sweep"] = new JsonObject { [path] = new JsonArray(change.Value?.DeepClone()) };
                    var sweepText = withSweep.ToJsonString();
                    sweeps.Judge($"{name}: sweep {{\"{path}\": [{value}]}} ({change.Kind})", change.Kind, $"$.{path}", Edited(basis, set), () =>
                        ScenarioParser.Parse(sweepText, name), requireRelated: false, errors =>
                        errors.Any(e => e.Path == $"$.sweep.{path}[0]") ? null : $"no error at $.sweep.{path}[0]", Unwrap);
                }
            }
        }

        output.WriteLine(overrides.Summary("--set overrides"));
        output.WriteLine(sweeps.Summary("one-value sweeps"));
        Assert.True(overrides.Variants >= 200 && sweeps.Variants >= 200, $"{overrides.Variants} overrides, {sweeps.Variants} sweeps");
        Assert.True(overrides.Failures.Count == 0, $"{overrides.Failures.Count} overrides disagree:\n{string.Join("\n", overrides.Failures.Take(25))}");
        Assert.True(sweeps.Failures.Count == 0, $"{sweeps.Failures.Count} sweep values disagree:\n{string.Join("\n", sweeps.Failures.Take(25))}");
    }

    [Fact]
    public void Docs_and_validate_help_list_every_cross_field_rule()
    {
        var docs = File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "docs", "scenarios.md"));
        foreach (var rule in CrossFieldRules)
        {
            Assert.Contains($"`{rule.Name}`", docs, StringComparison.Ordinal);
            Assert.Contains($"  {rule.Name}  ", ValidateCommand.Help, StringComparison.Ordinal);
        }

        Assert.Equal(CrossFieldRules.Length, Regex.Matches(docs, @"^\| .* \| `[a-z-]+` \|$", RegexOptions.Multiline).Count);
    }

    [Fact]
    public void A_repeated_field_is_refused_by_both_sides_and_the_validator_reads_comments_like_the_parser()
    {
        const string Repeated = """{ "ticks": 5, "population": { "users": 10, "users": 20 } }""";
        Assert.NotNull(JsonSchemaChecker.CheckScenarioText(Repeated));
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(Repeated, "x"));
        Assert.Contains(e.Errors, x => x.Path == "$.population.users" && x.Message.Contains("appears twice", StringComparison.Ordinal));

        const string Commented = """
            {
              // a comment
              "ticks": 5, /* another */
              "population": { "users": 10, },
            }
            """;
        Assert.Null(JsonSchemaChecker.CheckScenarioText(Commented));
        ScenarioParser.Parse(Commented, "x");
    }

    /// <summary>The --set path for a change at a slot: object fields, or strategies.&lt;name&gt;.&lt;parameter&gt;; null when no override can address it.</summary>
    private static string? OverridePath(JsonNode root, SchemaSlot slot, Change change)
    {
        var segments = slot.Segments.ToList();
        if (change.Child is not null)
        {
            segments.Add(change.Child);
        }

        if (segments.Count == 0)
        {
            return null;
        }

        if (segments.All(s => s is string))
        {
            return string.Join('.', segments);
        }

        // strategies[i].<parameter> -> strategies.<name of item i>.<parameter>
        if (segments is ["strategies", int i, string parameter] && parameter != "name")
        {
            var item = root["strategies"]![i];
            var name = item is JsonObject o ? o["name"] : item;
            return name is JsonValue v && v.TryGetValue<string>(out var strategy) ? $"strategies.{strategy}.{parameter}" : null;
        }

        return null;
    }

    /// <summary>
    /// A sweep value's errors as the errors of the cell they come from ("$.sweep.p[0]: p=v:
    /// $.x: message" -> "$.x: message"), so the allow-list is applied to what the value broke.
    /// </summary>
    private static IReadOnlyList<ScenarioError> Unwrap(IReadOnlyList<ScenarioError> errors) =>
        errors.Select(e =>
        {
            var m = Regex.Match(e.Message, @"^[^=]+=.*?: (\$[^:]*): (.*)$", RegexOptions.Singleline);
            return e.Path.StartsWith("$.sweep.", StringComparison.Ordinal) && m.Success ? new ScenarioError(m.Groups[1].Value, m.Groups[2].Value) : e;
        }).ToList();

    /// <summary>The document an override makes of <paramref name="text"/>, as the simulator applies it; null when it cannot be applied (nothing to validate).</summary>
    private static string? Edited(string text, KeyValuePair<string, string>[] set)
    {
        try
        {
            return ScenarioOverrides.Apply(text, set);
        }
        catch (ScenarioException)
        {
            return null;
        }
    }

    /// <summary>Counts verdicts and collects disagreements.</summary>
    private sealed class Tally
    {
        public int Variants { get; private set; }

        public int BothValid { get; private set; }

        public int BothInvalid { get; private set; }

        public int AllowListed { get; private set; }

        public Dictionary<string, int> Kinds { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> RuleHits { get; } = new(StringComparer.Ordinal);

        public List<string> Failures { get; } = [];

        /// <summary>
        /// One verdict pair: the schema's on <paramref name="document"/> (null: an override that
        /// cannot be applied, refused), the parser's from <paramref name="parse"/>. Both accept; both
        /// refuse (the parser for a reason at or beside the changed place, when
        /// <paramref name="requireRelated"/>); or the schema accepts and every parser error is a
        /// cross-field rule. <paramref name="refused"/> adds a check on the parser's errors,
        /// <paramref name="unwrap"/> turns them into the errors the rules are matched against.
        /// </summary>
        public void Judge(
            string label,
            string kind,
            string changedPath,
            string? document,
            Func<Scenario> parse,
            bool requireRelated,
            Func<IReadOnlyList<ScenarioError>, string?>? refused = null,
            Func<IReadOnlyList<ScenarioError>, IReadOnlyList<ScenarioError>>? unwrap = null)
        {
            var validator = document is null ? "the override cannot be applied" : JsonSchemaChecker.CheckScenarioText(document);
            string Why() => document is null ? validator! : JsonSchemaChecker.CheckScenarioText(document, explain: true) ?? "valid";
            Variants++;
            Kinds[kind] = Kinds.GetValueOrDefault(kind) + 1;
            IReadOnlyList<ScenarioError>? errors;
            try
            {
                parse();
                errors = null;
            }
            catch (ScenarioException e)
            {
                errors = e.Errors;
            }
            catch (Exception e)
            {
                Failures.Add($"{label}: the parser threw {e.GetType().Name}: {e.Message}");
                return;
            }

            var parser = errors is null ? "valid" : string.Join("; ", errors.Take(3));
            if (errors is null)
            {
                if (validator is null)
                {
                    BothValid++;
                }
                else
                {
                    Failures.Add($"{label}: LOOSER: the parser accepts, the schema refuses: {Why()}");
                }

                return;
            }

            var problem = refused?.Invoke(errors);
            if (problem is not null)
            {
                Failures.Add($"{label}: {problem}: {parser}");
                return;
            }

            errors = unwrap?.Invoke(errors) ?? errors;

            if (validator is not null)
            {
                BothInvalid++;
                if (requireRelated && !errors.Any(e => Related(e.Path, changedPath)))
                {
                    Failures.Add($"{label}: both refuse, but the parser for another reason: {parser} (schema: {Why()})");
                }

                return;
            }

            var unmatched = errors.Where(e => !CrossFieldRules.Any(r => r.Path.IsMatch(e.Path) && r.Message.IsMatch(e.Message))).ToList();
            if (unmatched.Count > 0)
            {
                Failures.Add($"{label}: STRICTER beyond the allow-list: the schema accepts, the parser refuses: {string.Join("; ", unmatched.Take(3))}");
                return;
            }

            AllowListed++;
            foreach (var rule in CrossFieldRules.Where(r => errors.Any(e => r.Path.IsMatch(e.Path) && r.Message.IsMatch(e.Message))))
            {
                RuleHits[rule.Name] = RuleHits.GetValueOrDefault(rule.Name) + 1;
            }
        }

        public string Summary(string what)
        {
            var sb = new StringBuilder();
            sb.Append($"{Variants} {what}: {BothValid} valid for both, {BothInvalid} invalid for both, {AllowListed} accepted by the schema and refused by a cross-field rule, {Failures.Count} disagreements");
            sb.Append($"\n  by kind: {string.Join(", ", Kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))}");
            sb.Append($"\n  cross-field rules: {string.Join(", ", CrossFieldRules.Select(r => $"{r.Name} {RuleHits.GetValueOrDefault(r.Name)}"))}");
            return sb.ToString();
        }

        /// <summary>An error at the changed place, inside it, at an ancestor, or at a sibling (a field of the same object).</summary>
        private static bool Related(string errorPath, string changedPath)
        {
            var cut = Math.Max(changedPath.LastIndexOf('.'), changedPath.LastIndexOf('['));
            var parent = cut > 0 ? changedPath[..cut] : "$";
            return errorPath == "$" || errorPath.StartsWith(parent, StringComparison.Ordinal) || changedPath.StartsWith(errorPath, StringComparison.Ordinal);
        }
    }
}
