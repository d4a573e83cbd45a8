using System.Text.Json;
using static Simulator.Storage.RunFolders.JsonFields;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// What the reader takes from a run folder's scenario.json (the resolved scenario, written by
/// Core's ScenarioWriter): sizes, ticks and the drift event ticks.
/// </summary>
internal sealed record ScenarioFacts(int Users, int Items, int Topics, int SlateSize, int Ticks, IReadOnlyList<int> DriftEvents)
{
    public static ScenarioFacts Read(string path, string json) => WithDocument(path, json, root =>
    {
        var drift = Optional(root, "drift");
        var events = new List<int>();
        if (drift is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("events", out var list))
        {
            foreach (var e in Array(path, list, "drift.events"))
            {
                events.Add(Int(path, e, "drift.events[]"));
            }
        }

        return new ScenarioFacts(
            Int(path, Required(path, Required(path, root, "population"), "users", "population."), "population.users"),
            Int(path, Required(path, Required(path, root, "catalog"), "items", "catalog."), "catalog.items"),
            Int(path, Required(path, Required(path, root, "population"), "topics", "population."), "population.topics"),
            Int(path, Required(path, root, "slateSize"), "slateSize"),
            Int(path, Required(path, root, "ticks"), "ticks"),
            events);
    });
}
