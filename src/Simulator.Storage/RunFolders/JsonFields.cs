using System.Globalization;
using System.Text.Json;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// Typed access to the fields of a run folder's JSON files. Every problem becomes a
/// <see cref="RunFolderException"/> naming the file and the field, so a hand-edited or damaged file
/// is reported where it is wrong rather than failing later.
/// </summary>
internal static class JsonFields
{
    /// <summary>Parses <paramref name="json"/>, requires an object at the top and hands it to <paramref name="read"/>.</summary>
    public static T WithDocument<T>(string path, string json, Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new RunFolderException($"{path}: expected a JSON object");
            }

            return read(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new RunFolderException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    public static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value : null;

    public static JsonElement Required(string path, JsonElement parent, string name, string prefix = "")
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new RunFolderException($"{path}: expected an object holding \"{prefix}{name}\"");
        }

        return parent.TryGetProperty(name, out var value)
            ? value
            : throw new RunFolderException($"{path}: missing field \"{prefix}{name}\"");
    }

    public static JsonElement.ArrayEnumerator Array(string path, JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray()
            : throw new RunFolderException($"{path}: {where} must be an array");

    public static int Int(string path, JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value)
            ? value
            : throw new RunFolderException($"{path}: {where} must be an integer, found {ErrorSnippet.Clip(element.GetRawText())}");

    // Numbers; null is an undefined value (NaN), as SummaryJson writes it; also the strings
    // "NaN"/"Infinity" in case a writer ever emits named literals.
    public static double Number(string path, JsonElement element, string where)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.GetDouble();
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            return double.NaN;
        }

        if (element.ValueKind == JsonValueKind.String
            && double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var named))
        {
            return named;
        }

        throw new RunFolderException($"{path}: {where} must be a number, found {ErrorSnippet.Clip(element.GetRawText())}");
    }

    public static string String(string path, JsonElement parent, string name)
    {
        var value = Required(path, parent, name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new RunFolderException($"{path}: \"{name}\" must be a string");
    }
}
