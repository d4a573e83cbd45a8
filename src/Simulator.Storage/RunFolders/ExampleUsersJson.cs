using System.Globalization;
using System.Text;
using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Core.World;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// example-users.json: the example users of a run (profile, true forgetting time scale, true
/// interest and each estimating strategy's estimate per tick). Floats are written with the
/// shortest round-trip form and NaN as null, so reading the file back redraws identical figures.
/// </summary>
public static class ExampleUsersJson
{
    public static string Write(IReadOnlyList<ExampleUserTrace> users)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteStartArray("users");
            foreach (var user in users)
            {
                json.WriteStartObject();
                json.WriteNumber("seed", user.Seed);
                json.WriteNumber("user", user.User);
                json.WriteString("name", user.Profile.Name);
                json.WriteString("locale", user.Profile.Locale);
                json.WriteString("segment", user.Profile.Segment);
                WriteFloat(json, "forgetting_time_scale", user.ForgettingTimeScale);
                json.WriteNumber("dim", user.Dim);
                json.WriteStartArray("strategies");
                foreach (var trace in user.Strategies)
                {
                    json.WriteStartObject();
                    json.WriteString("strategy", trace.Strategy);
                    WriteFloats(json, "truth", trace.Truth);
                    WriteFloats(json, "estimate", trace.Estimate);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Parses the file; throws <see cref="RunFolderException"/> naming <paramref name="path"/> when malformed.</summary>
    public static IReadOnlyList<ExampleUserTrace> Read(string path, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.GetProperty("users").EnumerateArray().Select(u =>
            {
                var profile = new UserProfile(
                    u.GetProperty("user").GetInt32(),
                    u.GetProperty("name").GetString() ?? string.Empty,
                    u.GetProperty("locale").GetString() ?? string.Empty,
                    u.GetProperty("segment").GetString() ?? string.Empty);
                var dim = u.GetProperty("dim").GetInt32();
                var traces = u.GetProperty("strategies").EnumerateArray().Select(s => new InterestTrace(
                    s.GetProperty("strategy").GetString() ?? string.Empty,
                    ReadFloats(s.GetProperty("truth")),
                    ReadFloats(s.GetProperty("estimate")))).ToArray();
                if (dim <= 0 || traces.Any(t => t.Truth.Length % dim != 0 || t.Estimate.Length != t.Truth.Length))
                {
                    throw new FormatException($"user {profile.User}: trace lengths do not match dim {dim}");
                }

                return new ExampleUserTrace(
                    u.GetProperty("seed").GetUInt64(), profile.User, profile, ReadFloat(u.GetProperty("forgetting_time_scale")), dim, traces);
            }).ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RunFolderException($"{path}: malformed example-user file ({e.Message})", e);
        }
    }

    private static void WriteFloat(Utf8JsonWriter json, string name, float value)
    {
        json.WritePropertyName(name);
        WriteValue(json, value);
    }

    private static void WriteFloats(Utf8JsonWriter json, string name, float[] values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            WriteValue(json, v);
        }

        json.WriteEndArray();
    }

    // Shortest round-trip text ("R") keeps the exact float; NaN has no JSON number, so null.
    private static void WriteValue(Utf8JsonWriter json, float value)
    {
        if (float.IsFinite(value))
        {
            json.WriteRawValue(value.ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static float ReadFloat(JsonElement e) =>
        e.ValueKind == JsonValueKind.Null ? float.NaN : float.Parse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static float[] ReadFloats(JsonElement array) => array.EnumerateArray().Select(ReadFloat).ToArray();
}
