using System.Text.Json;
using System.Text.Json.Serialization;
using Simulator.Core.Results;

namespace Simulator.Cluster;

/// <summary>
/// Moves the first seed's example-user traces (Core records without Orleans serializers) between
/// silos as JSON. Floats are written in shortest round-trip form and NaN by name, so the traces
/// arrive bit for bit and example-users.json matches the local run's.
/// </summary>
public static class ExampleUsersTransport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(IReadOnlyList<ExampleUserTrace> traces) => JsonSerializer.Serialize(traces, Options);

    public static IReadOnlyList<ExampleUserTrace> FromJson(string json) =>
        JsonSerializer.Deserialize<List<ExampleUserTrace>>(json, Options) ?? [];
}
