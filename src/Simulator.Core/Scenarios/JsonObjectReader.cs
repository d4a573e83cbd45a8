using System.Globalization;
using System.Text.Json;

namespace Simulator.Core.Scenarios;

/// <summary>
/// Reads the fields of one JSON object with path-aware errors: every read records the field as
/// known, and <see cref="Finish"/> reports the fields nobody asked for (typos), with a suggestion.
/// A field set to null is present, not absent: no field takes null, so every read reports it as
/// the wrong type (leaving the field out is how a file asks for the default).
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement _element;
    private readonly List<ScenarioError> _errors;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public JsonObjectReader(JsonElement element, string path, List<ScenarioError> errors)
    {
        _element = element;
        Path = path;
        _errors = errors;
        IsObject = element.ValueKind == JsonValueKind.Object;
        if (!IsObject)
        {
            errors.Add(new ScenarioError(path, $"expected an object, found {Found(element, path)}"));
        }
    }

    public string Path { get; }

    public bool IsObject { get; }

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{e.GetString()}\"",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {e.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>
    /// <see cref="Describe"/>, plus a hint when a field (a path not ending in an array index) is
    /// null: null never means "the default"; leaving the field out does.
    /// </summary>
    public static string Found(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Null && !path.EndsWith(']')
            ? "null (no field takes null; leave the field out for its default)"
            : Describe(e);

    public string Child(string name) => $"{Path}.{name}";

    public void Error(string field, string message) => _errors.Add(new ScenarioError(Child(field), message));

    /// <summary>True when the object has the field, whatever its value (null included).</summary>
    public bool TryGet(string name, out JsonElement value)
    {
        _known.Add(name);
        if (IsObject && _element.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public string String(string name, string fallback)
    {
        if (!TryGet(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Error(name, $"expected a string, found {Found(v, Child(name))}");
            return fallback;
        }

        return v.GetString()!;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        if (!TryGet(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d != Math.Floor(d))
        {
            Error(name, $"expected an integer in [{min}, {max}], found {Found(v, Child(name))}");
            return fallback;
        }

        if (d < min || d > max)
        {
            Error(name, $"expected an integer in [{min}, {max}], found {v.GetRawText()}");
            return fallback;
        }

        return (int)d;
    }

    /// <summary>A whole number in [0, 2^64 - 1], in any JSON notation (42, 42.0, 4.2e1), like a JSON Schema integer.</summary>
    public ulong ULong(string name, ulong fallback)
    {
        if (!TryGet(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number ||
            !decimal.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ||
            d != decimal.Truncate(d) || d < 0 || d > ulong.MaxValue)
        {
            Error(name, $"expected an integer in [0, {ulong.MaxValue}], found {Found(v, Child(name))}");
            return fallback;
        }

        return (ulong)d;
    }

    /// <summary>A number in [min, max]; exclusive bounds are expressed by the caller's choice of min/max.</summary>
    public float Float(string name, float fallback, double min, double max, bool minExclusive = false) =>
        (float)Double(name, fallback, min, max, minExclusive);

    /// <summary>A number in [min, max] kept in double precision (strategy hyper-parameters).</summary>
    public double Double(string name, double fallback, double min, double max, bool minExclusive = false)
    {
        if (!TryGet(name, out var v))
        {
            return fallback;
        }

        var range = $"{(minExclusive ? "(" : "[")}{Format(min)}, {Format(max)}]";
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            Error(name, $"expected a number in {range}, found {Found(v, Child(name))}");
            return fallback;
        }

        if (d < min || d > max || (minExclusive && d == min))
        {
            Error(name, $"expected a number in {range}, found {v.GetRawText()}");
            return fallback;
        }

        return d;
    }

    public TEnum Enum<TEnum>(string name, TEnum fallback, IReadOnlyDictionary<string, TEnum> names)
        where TEnum : struct
    {
        if (!TryGet(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind == JsonValueKind.String && names.TryGetValue(v.GetString()!, out var value))
        {
            return value;
        }

        var found = Found(v, Child(name));
        var hint = v.ValueKind == JsonValueKind.String ? Suggest.DidYouMean(v.GetString()!, names.Keys) : string.Empty;
        Error(name, $"expected one of {string.Join(", ", names.Keys.Select(k => $"\"{k}\""))}, found {found}{hint}");
        return fallback;
    }

    /// <summary>Reports every field of this object that no read asked for.</summary>
    public void Finish()
    {
        if (!IsObject)
        {
            return;
        }

        foreach (var property in _element.EnumerateObject())
        {
            if (!_known.Contains(property.Name))
            {
                _errors.Add(new ScenarioError(
                    Child(property.Name),
                    $"unknown field \"{property.Name}\"; expected one of {string.Join(", ", _known)}{Suggest.DidYouMean(property.Name, _known)}"));
            }
        }
    }

    private static string Format(double x) =>
        double.IsPositiveInfinity(x) ? "inf" : x.ToString("G", CultureInfo.InvariantCulture);
}

/// <summary>"Did you mean" suggestions by edit distance, then by a shared prefix.</summary>
public static class Suggest
{
    /// <summary>
    /// Returns " (did you mean "x"?)" for the closest candidate within a small edit distance
    /// (a swap of neighbours counts as one edit), else for a candidate sharing a prefix of at
    /// least three letters (repetitions -> reps), else "".
    /// </summary>
    public static string DidYouMean(string found, IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        string? best = null;
        var bestDistance = int.MaxValue;
        var upper = found.ToUpperInvariant();
        foreach (var c in list)
        {
            var distance = EditDistance(upper, c.ToUpperInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = c;
            }
        }

        if (best is not null && bestDistance <= Math.Max(2, found.Length / 3))
        {
            return $" (did you mean \"{best}\"?)";
        }

        var prefixed = list
            .Select(c => (Candidate: c, Shared: SharedPrefix(upper, c.ToUpperInvariant())))
            .Where(x => x.Shared >= 3)
            .OrderByDescending(x => x.Shared)
            .FirstOrDefault();
        return prefixed.Candidate is null ? string.Empty : $" (did you mean \"{prefixed.Candidate}\"?)";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static int SharedPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }
}
