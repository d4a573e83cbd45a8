using System.Text.Json;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Metrics;
using Simulator.Core.Strategies;

namespace Simulator.Core.Scenarios;

/// <summary>
/// Scenario text -> validated <see cref="Scenario"/>. JSON with comments and trailing commas.
/// Collects every problem with its JSON path and throws one <see cref="ScenarioException"/>.
/// Limits keep a typo from asking for a machine-sized allocation before the memory guard runs.
/// </summary>
public static class ScenarioParser
{
    public const int MaxUsers = 100_000_000;
    public const int MaxItems = 10_000_000;
    public const int MaxTopics = 1024;
    public const int MaxTicks = 1_000_000;
    public const int MaxSeeds = 1000;
    public const int MaxSlate = 256;

    public static readonly IReadOnlyDictionary<string, ForgettingCurve> Curves = new Dictionary<string, ForgettingCurve>
    {
        ["exponential"] = ForgettingCurve.Exponential,
        ["sigmoid"] = ForgettingCurve.Sigmoid,
        ["power-law"] = ForgettingCurve.PowerLaw,
    };

    public static readonly IReadOnlyDictionary<string, DriftKind> DriftKinds = new Dictionary<string, DriftKind>
    {
        ["stationary"] = DriftKind.Stationary,
        ["abrupt"] = DriftKind.Abrupt,
        ["ornstein-uhlenbeck"] = DriftKind.OrnsteinUhlenbeck,
        ["gradual"] = DriftKind.Gradual,
        ["seasonal"] = DriftKind.Seasonal,
    };

    /// <summary>At most this many drift processes in one "drift" array.</summary>
    public const int MaxDriftProcesses = 16;

    /// <summary>At most this many user segments (a segment index is a byte).</summary>
    public const int MaxSegments = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 32,
    };

    /// <summary>Parses and validates; <paramref name="fallbackName"/> names a scenario without a "name".</summary>
    public static Scenario Parse(string json, string fallbackName) => Parse(json, fallbackName, json, []);

    /// <summary>
    /// Parses and validates <paramref name="json"/>, the file text <paramref name="fileText"/> with
    /// <paramref name="overrides"/> applied; errors name the line in the file, or the override.
    /// </summary>
    public static Scenario Parse(string json, string fallbackName, string fileText, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is long line ? $" at line {line + 1}, column {e.BytePositionInLine + 1}" : string.Empty;
            throw new ScenarioException([new ScenarioError("$", $"not valid JSON{where}: {FirstSentence(e.Message)}") { Line = e.LineNumber is long l ? (int)l + 1 : null }]);
        }

        using (document)
        {
            var errors = new List<ScenarioError>();
            var scenario = Read(document.RootElement, fallbackName, errors);
            if (errors.Count > 0)
            {
                throw new ScenarioException(ScenarioLines.Attach(errors, fileText, overrides));
            }

            return scenario;
        }
    }

    private static Scenario Read(JsonElement root, string fallbackName, List<ScenarioError> errors)
    {
        var r = new JsonObjectReader(root, "$", errors);
        var name = r.String("name", fallbackName);
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            r.Error("name", $"expected letters, digits, '-', '_' or '.', found \"{name}\"");
        }

        var description = r.String("description", string.Empty);
        var seed = r.ULong("seed", 42);
        var seeds = r.Int("seeds", 3, 1, MaxSeeds);
        var ticks = r.Int("ticks", 50, 1, MaxTicks);
        var tickLength = r.Float("tickLength", 1f, 0, 1e6, minExclusive: true);
        var shards = r.Int("shards", 8, 1, 4096);
        var slate = r.Int("slateSize", 10, 1, MaxSlate);
        var population = ReadPopulation(r, errors);
        var forgetting = ReadForgetting(r, errors);
        var catalog = ReadCatalog(r, errors);
        var drifts = ReadDrifts(r, errors, ticks);
        var churn = UserSectionsParser.ReadChurn(r, errors);
        var choice = ReadChoice(r, errors, out var satiation);
        var strategies = ReadStrategies(r, errors);
        var metrics = ReadMetrics(r, errors, slate);
        var reference = ReadReference(r, strategies);
        var sweep = ScenarioSweep.ReadAxes(r, errors);
        r.Finish();

        if (catalog.Items < slate && r.IsObject)
        {
            errors.Add(new ScenarioError("$.slateSize", $"slate size {slate} is larger than the catalog ({catalog.Items} items); expected at most {catalog.Items}"));
        }

        if (catalog.Dynamics.InitialItems > catalog.Items && r.IsObject)
        {
            errors.Add(new ScenarioError("$.catalog.initialItems", $"{catalog.Dynamics.InitialItems} initial items exceed the catalog ({catalog.Items} items); expected at most {catalog.Items}"));
        }
        else if (slate <= catalog.Items && catalog.Dynamics.LiveAtStart(catalog.Items) < slate && r.IsObject)
        {
            errors.Add(new ScenarioError("$.catalog.initialItems", $"{catalog.Dynamics.InitialItems} initial items cannot fill a slate of {slate}; expected 0 (all items) or {slate} to {catalog.Items}"));
        }

        var scenario = new Scenario(name, description, seed, seeds, ticks, tickLength, shards, slate, population, forgetting, catalog, drifts[0], choice, strategies, metrics)
        {
            DriftProcesses = drifts,
            Churn = churn,
            Satiation = satiation,
        };
        scenario = reference is null ? scenario : scenario with { Reference = reference };
        if (sweep.Count > 0 && errors.Count == 0)
        {
            scenario = scenario with { Sweep = sweep };
            ScenarioSweep.Validate(scenario, errors);
        }

        return scenario;
    }

    private static PopulationSpec ReadPopulation(JsonObjectReader parent, List<ScenarioError> errors)
    {
        var fallback = new PopulationSpec(2000, 16, 1.5f, 1f);
        if (!parent.TryGet("population", out var e))
        {
            return fallback;
        }

        var r = new JsonObjectReader(e, parent.Child("population"), errors);
        var spec = new PopulationSpec(
            r.Int("users", fallback.Users, 1, MaxUsers),
            r.Int("topics", fallback.Topics, 1, MaxTopics),
            r.Float("logitScale", fallback.LogitScale, 0, 20),
            r.Float("activity", fallback.Activity, 0, 1, minExclusive: true))
        {
            ActivitySpread = r.Float("activitySpread", 0f, 0, 3),
            DriftHeterogeneity = r.Float("driftHeterogeneity", 0f, 0, 3),
            Segments = UserSectionsParser.ReadSegments(r, errors),
        };
        r.Finish();
        return spec;
    }

    private static ForgettingSpec ReadForgetting(JsonObjectReader parent, List<ScenarioError> errors)
    {
        var fallback = new ForgettingSpec(ForgettingCurve.Sigmoid, 10f, 3f, 0.3f, 0.1f, 0.6f);
        if (!parent.TryGet("forgetting", out var e))
        {
            return fallback;
        }

        var r = new JsonObjectReader(e, parent.Child("forgetting"), errors);
        var curve = r.Enum("curve", fallback.Curve, Curves);
        float p1;
        float p2;
        switch (curve)
        {
            case ForgettingCurve.Exponential:
                p1 = r.Float("halfLife", 8f, 0, 1e6, minExclusive: true);
                p2 = 0f;
                break;
            case ForgettingCurve.PowerLaw:
                p1 = r.Float("tau", 4f, 0, 1e6, minExclusive: true);
                p2 = r.Float("exponent", 0.8f, 0, 100, minExclusive: true);
                break;
            default:
                p1 = r.Float("midpoint", fallback.Parameter1, 0, 1e6);
                p2 = r.Float("width", fallback.Parameter2, 0, 1e6, minExclusive: true);
                break;
        }

        RejectFieldsOfOtherKinds(r, curve.ToString(), CurveFields, curve switch
        {
            ForgettingCurve.Exponential => ["halfLife"],
            ForgettingCurve.PowerLaw => ["tau", "exponent"],
            _ => ["midpoint", "width"],
        });
        var spec = new ForgettingSpec(
            curve,
            p1,
            p2,
            r.Float("heterogeneity", fallback.Heterogeneity, 0, 3),
            r.Float("baseline", fallback.Baseline, 0, 1),
            r.Float("reinforcement", fallback.Reinforcement, 0, 1))
        {
            RecoveryRate = r.Float("recoveryRate", 0f, 0, 1),
            RecoveryFraction = r.Float("recoveryFraction", 0.5f, 0, 1),
        };
        r.Finish();
        return spec;
    }

    private static CatalogSpec ReadCatalog(JsonObjectReader parent, List<ScenarioError> errors)
    {
        var fallback = new CatalogSpec(500, 0.7f, 0.5f);
        if (!parent.TryGet("catalog", out var e))
        {
            return fallback;
        }

        var r = new JsonObjectReader(e, parent.Child("catalog"), errors);
        var spec = new CatalogSpec(
            r.Int("items", fallback.Items, 1, MaxItems),
            r.Float("focus", fallback.Focus, 0, 1),
            r.Float("qualitySd", fallback.QualitySd, 0, 100))
        {
            Dynamics = ReadCatalogDynamics(r),
        };
        r.Finish();
        return spec;
    }

    /// <summary>Arrivals, attention aging and social proof: fields of the catalog object, all off by default.</summary>
    private static CatalogDynamicsSpec ReadCatalogDynamics(JsonObjectReader r)
    {
        var d = CatalogDynamicsSpec.Static;
        return new CatalogDynamicsSpec(
            r.Int("initialItems", d.InitialItems, 0, MaxItems),
            r.Float("arrivalRate", d.ArrivalRate, 0, 100_000),
            r.Enum("agingCurve", d.AgingCurve, Curves),
            r.Float("agingWeight", d.AgingWeight, 0, 1000),
            r.Float("agingScale", d.AgingScale, 0, 1e6, minExclusive: true),
            r.Float("agingShape", d.AgingShape, 0, 100, minExclusive: true),
            r.Float("socialProof", d.SocialProof, 0, 1000));
    }

    /// <summary>"drift": one process (an object) or several applied in order (an array of objects).</summary>
    private static List<DriftSpec> ReadDrifts(JsonObjectReader parent, List<ScenarioError> errors, int ticks)
    {
        var fallback = new DriftSpec(DriftKind.Abrupt, 0.02f, 1f, [], 0.05f, 0.3f);
        if (!parent.TryGet("drift", out var e))
        {
            return [fallback];
        }

        var path = parent.Child("drift");
        if (e.ValueKind != JsonValueKind.Array)
        {
            return [ReadDrift(new JsonObjectReader(e, path, errors), errors, ticks)];
        }

        var count = e.GetArrayLength();
        if (count == 0 || count > MaxDriftProcesses)
        {
            errors.Add(new ScenarioError(path, $"expected a drift process object or an array of 1 to {MaxDriftProcesses} of them, found an array of {count}"));
            return [fallback];
        }

        var result = new List<DriftSpec>();
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            result.Add(ReadDrift(new JsonObjectReader(item, $"{path}[{i++}]", errors), errors, ticks));
        }

        return result;
    }

    private static DriftSpec ReadDrift(JsonObjectReader r, List<ScenarioError> errors, int ticks)
    {
        var fallback = new DriftSpec(DriftKind.Abrupt, 0.02f, 1f, [], 0.05f, 0.3f);
        var kind = r.Enum("kind", fallback.Kind, DriftKinds);
        var events = new List<int>();
        var rate = 0f;
        var shift = 1f;
        var kappa = fallback.Kappa;
        var sigma = fallback.Sigma;
        var spec = fallback;
        switch (kind)
        {
            case DriftKind.Abrupt:
                rate = r.Float("rate", fallback.Rate, 0, 1);
                shift = r.Float("shift", fallback.Shift, 0, 1, minExclusive: true);
                if (r.TryGet("events", out var list))
                {
                    ReadEvents(list, r.Child("events"), ticks, events, errors);
                }

                break;
            case DriftKind.OrnsteinUhlenbeck:
                kappa = r.Float("kappa", fallback.Kappa, 0, 1);
                sigma = r.Float("sigma", fallback.Sigma, 0, 10);
                break;
            case DriftKind.Gradual:
                spec = spec with
                {
                    Midpoint = r.Float("midpoint", fallback.Midpoint, 0, MaxTicks),
                    Width = r.Float("width", fallback.Width, 0, MaxTicks, minExclusive: true),
                };
                break;
            case DriftKind.Seasonal:
                spec = spec with
                {
                    Amplitude = r.Float("amplitude", fallback.Amplitude, 0, 20),
                    Period = r.Float("period", fallback.Period, 2, MaxTicks),
                    Phase = r.Float("phase", fallback.Phase, 0, 6.2832),
                };
                break;
        }

        RejectFieldsOfOtherKinds(r, kind.ToString(), DriftFields, kind switch
        {
            DriftKind.Abrupt => ["rate", "shift", "events"],
            DriftKind.OrnsteinUhlenbeck => ["kappa", "sigma"],
            DriftKind.Gradual => ["midpoint", "width"],
            DriftKind.Seasonal => ["amplitude", "period", "phase"],
            _ => [],
        });
        r.Finish();
        return spec with { Kind = kind, Rate = rate, Shift = shift, EventTicks = events, Kappa = kappa, Sigma = sigma };
    }

    private static readonly string[] DriftFields = ["rate", "shift", "events", "kappa", "sigma", "midpoint", "width", "amplitude", "period", "phase"];
    private static readonly string[] CurveFields = ["halfLife", "midpoint", "width", "tau", "exponent"];

    /// <summary>A field that belongs to another drift kind or curve gets a message saying so, not "unknown field".</summary>
    private static void RejectFieldsOfOtherKinds(JsonObjectReader r, string kind, string[] all, string[] used)
    {
        foreach (var field in all.Except(used))
        {
            if (r.TryGet(field, out _))
            {
                r.Error(field, $"\"{field}\" does not apply to {kind}; fields for {kind}: {(used.Length == 0 ? "none" : string.Join(", ", used))}");
            }
        }
    }

    private static void ReadEvents(JsonElement list, string path, int ticks, List<int> events, List<ScenarioError> errors)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ScenarioError(path, $"expected an array of tick numbers, found {JsonObjectReader.Describe(list)}"));
            return;
        }

        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var tick) || tick < 1 || tick >= ticks)
            {
                errors.Add(new ScenarioError($"{path}[{i}]", $"expected a tick number in [1, {ticks - 1}], found {JsonObjectReader.Describe(item)}"));
            }
            else if (!events.Contains(tick))
            {
                events.Add(tick);
            }

            i++;
        }

        events.Sort();
    }

    private static ChoiceParameters ReadChoice(JsonObjectReader parent, List<ScenarioError> errors, out SatiationSpec satiation)
    {
        var fallback = new ChoiceParameters(12f, 0.5f, 1f, 1.5f, 0.9f, 2f, 0.3f, 0.5f);
        satiation = SatiationSpec.Off;
        if (!parent.TryGet("choice", out var e))
        {
            return fallback;
        }

        var r = new JsonObjectReader(e, parent.Child("choice"), errors);
        var p = new ChoiceParameters(
            r.Float("interestWeight", fallback.InterestWeight, 0, 1000, minExclusive: true),
            r.Float("qualityWeight", fallback.QualityWeight, -1000, 1000),
            r.Float("temperature", fallback.Temperature, 0, 1000, minExclusive: true),
            r.Float("noClickUtility", fallback.NoClickUtility, -1000, 1000),
            r.Float("positionDecay", fallback.PositionDecay, 0, 1, minExclusive: true),
            r.Float("dwellMu", fallback.DwellMu, -20, 20),
            r.Float("dwellBeta", fallback.DwellBeta, -10, 10),
            r.Float("dwellSigma", fallback.DwellSigma, 0, 10));
        satiation = new SatiationSpec(
            r.Float("satiationWeight", SatiationSpec.Off.Weight, 0, 1000),
            r.Float("satiationDecay", SatiationSpec.Off.Decay, 0, 1));
        r.Finish();
        return p;
    }

    private static List<StrategySpec> ReadStrategies(JsonObjectReader parent, List<ScenarioError> errors)
    {
        var result = new List<StrategySpec>();
        var path = parent.Child("strategies");
        if (!parent.TryGet("strategies", out var list))
        {
            foreach (var d in StrategyCatalog.All)
            {
                result.Add(new StrategySpec(d.Name, d.Parameters.ToDictionary(p => p.Name, p => p.Default)));
            }

            return result;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            errors.Add(new ScenarioError(path, $"expected a non-empty array of strategy names or objects, found {JsonObjectReader.Describe(list)}"));
            return result;
        }

        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            var spec = ReadStrategy(item, itemPath, errors);
            if (spec is null)
            {
                continue;
            }

            if (result.Any(s => s.Name == spec.Name))
            {
                errors.Add(new ScenarioError(itemPath, $"strategy \"{spec.Name}\" is listed twice; expected each strategy once"));
                continue;
            }

            result.Add(spec);
        }

        return result;
    }

    private static StrategySpec? ReadStrategy(JsonElement item, string path, List<ScenarioError> errors)
    {
        var names = StrategyCatalog.All.Select(d => d.Name).ToArray();
        string? name;
        JsonObjectReader? r = null;
        if (item.ValueKind == JsonValueKind.String)
        {
            name = item.GetString();
        }
        else if (item.ValueKind == JsonValueKind.Object)
        {
            r = new JsonObjectReader(item, path, errors);
            name = r.String("name", string.Empty);
            if (name.Length == 0)
            {
                errors.Add(new ScenarioError($"{path}.name", "expected a strategy name"));
                return null;
            }
        }
        else
        {
            errors.Add(new ScenarioError(path, $"expected a strategy name or an object with \"name\", found {JsonObjectReader.Describe(item)}"));
            return null;
        }

        var descriptor = StrategyCatalog.Find(name!);
        if (descriptor is null)
        {
            errors.Add(new ScenarioError(
                r is null ? path : $"{path}.name",
                $"unknown strategy \"{name}\"; expected one of {string.Join(", ", names)}{Suggest.DidYouMean(name!, names)}"));
            return null;
        }

        var parameters = new Dictionary<string, double>();
        foreach (var p in descriptor.Parameters)
        {
            parameters[p.Name] = r is null ? p.Default : r.Double(p.Name, p.Default, p.Min, p.Max);
        }

        r?.Finish();
        if (descriptor.Check?.Invoke(parameters) is { } problem)
        {
            errors.Add(new ScenarioError($"{path}.{problem.Parameter}", problem.Message));
        }

        return new StrategySpec(descriptor.Name, parameters);
    }

    /// <summary>The reference strategy for paired comparisons: must be one of the listed strategies; null = the first.</summary>
    private static string? ReadReference(JsonObjectReader r, List<StrategySpec> strategies)
    {
        if (!r.TryGet("reference", out _))
        {
            return null;
        }

        var name = r.String("reference", string.Empty);
        var listed = strategies.Select(x => x.Name).ToArray();
        if (listed.Length > 0 && !listed.Contains(name))
        {
            r.Error("reference", $"reference strategy \"{name}\" is not among the strategies; expected one of {string.Join(", ", listed)}{Suggest.DidYouMean(name, listed)}");
            return null;
        }

        return name;
    }

    private static List<string> ReadMetrics(JsonObjectReader parent, List<ScenarioError> errors, int k)
    {
        var available = MetricCatalog.For(k).Select(m => m.Name).ToList();
        if (!parent.TryGet("metrics", out var list))
        {
            return MetricCatalog.Defaults(k).ToList();
        }

        var path = parent.Child("metrics");
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            errors.Add(new ScenarioError(path, $"expected a non-empty array of metric names, found {JsonObjectReader.Describe(list)}"));
            return MetricCatalog.Defaults(k).ToList();
        }

        var result = new List<string>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            if (name is null || !available.Contains(name))
            {
                var hint = name is null ? string.Empty : Suggest.DidYouMean(name, available);
                errors.Add(new ScenarioError(itemPath, $"unknown metric {JsonObjectReader.Describe(item)}; expected one of {string.Join(", ", available)}{hint}"));
            }
            else if (!result.Contains(name))
            {
                result.Add(name);
            }
        }

        // Metrics come out in catalog order whatever order the file lists them.
        return available.Where(result.Contains).ToList();
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }
}
