using System.Text.Json;

namespace Simulator.Core.Scenarios;

/// <summary>Reads the user-side sections that are not plain numbers: "population.segments" and "churn".</summary>
internal static class UserSectionsParser
{
    /// <summary>"population.segments": an array of archetypes; absent or empty = one typical segment.</summary>
    public static IReadOnlyList<SegmentSpec> ReadSegments(JsonObjectReader parent, List<ScenarioError> errors)
    {
        if (!parent.TryGet("segments", out var list))
        {
            return [];
        }

        var path = parent.Child("segments");
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > ScenarioParser.MaxSegments)
        {
            var found = list.ValueKind == JsonValueKind.Array ? $"an array of {list.GetArrayLength()}" : JsonObjectReader.Found(list, path);
            errors.Add(new ScenarioError(path, $"expected an array of at most {ScenarioParser.MaxSegments} segment objects, found {found}"));
            return [];
        }

        var result = new List<SegmentSpec>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var itemPath = $"{path}[{i++}]";
            var r = new JsonObjectReader(item, itemPath, errors);
            var typical = SegmentSpec.Typical;
            var name = r.String("name", string.Empty);
            // A segment that is not an object, or a name of another type, was reported already.
            var nameIsString = !r.TryGet("name", out var given) || given.ValueKind == JsonValueKind.String;
            if (r.IsObject && nameIsString)
            {
                if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
                {
                    r.Error("name", $"expected a segment name of letters, digits, '-' or '_', found \"{name}\"");
                }
                else if (result.Any(s => s.Name == name))
                {
                    r.Error("name", $"segment \"{name}\" is listed twice; expected each segment once");
                }
            }

            var segment = new SegmentSpec(
                name,
                r.Float("weight", typical.Weight, 0, 1e6, minExclusive: true),
                r.Float("activity", typical.Activity, 0, 100, minExclusive: true),
                r.Float("forgettingSpeed", typical.ForgettingSpeed, 0, 100, minExclusive: true),
                r.Float("driftRate", typical.DriftRate, 0, 100),
                r.Float("concentration", typical.Concentration, 0, 20));
            r.Finish();
            result.Add(segment);
        }

        return result;
    }

    /// <summary>"churn": threshold (0 = off), patience, smoothing, returnRate.</summary>
    public static ChurnSpec ReadChurn(JsonObjectReader parent, List<ScenarioError> errors)
    {
        var fallback = ChurnSpec.Disabled;
        if (!parent.TryGet("churn", out var e))
        {
            return fallback;
        }

        var r = new JsonObjectReader(e, parent.Child("churn"), errors);
        var spec = new ChurnSpec(
            r.Float("threshold", fallback.Threshold, 0, 1),
            r.Int("patience", fallback.Patience, 1, ScenarioParser.MaxTicks),
            r.Float("smoothing", fallback.Smoothing, 0, 1, minExclusive: true),
            r.Float("returnRate", fallback.ReturnRate, 0, 1));
        r.Finish();
        return spec;
    }
}
