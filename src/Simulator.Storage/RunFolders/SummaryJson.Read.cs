using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Core.Statistics;
using static Simulator.Storage.RunFolders.JsonFields;

namespace Simulator.Storage.RunFolders;

/// <summary>Reading summary.json back (see the writer's summary for the layout).</summary>
/// <remarks>Numbers are read through <c>JsonFields.Number</c> by its full name: the writer's own <c>Number</c> hides the imported one.</remarks>
public static partial class SummaryJson
{
    /// <summary>
    /// The seeds, strategies, metric summaries and parameter recovery of <paramref name="json"/>;
    /// comparisons, normalised scores and recovery are left to be recomputed from the series.
    /// Throws <see cref="RunFolderException"/> naming the field.
    /// </summary>
    internal static SummaryFacts Read(string path, string json) => WithDocument(path, json, root =>
    {
        var name = Required(path, root, "scenario");
        if (name.ValueKind != JsonValueKind.String)
        {
            throw new RunFolderException($"{path}: \"scenario\" must be a string");
        }

        var seeds = new List<ulong>();
        foreach (var s in Array(path, Required(path, root, "seeds"), "seeds"))
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetUInt64(out var seed))
            {
                throw new RunFolderException($"{path}: seeds must be non-negative integers, found {s.GetRawText()}");
            }

            seeds.Add(seed);
        }

        if (seeds.Count == 0)
        {
            throw new RunFolderException($"{path}: seeds is empty");
        }

        int? ticks = root.TryGetProperty("ticks", out var t) ? Int(path, t, "ticks") : null;
        var strategiesElement = Required(path, root, "strategies");
        if (strategiesElement.ValueKind != JsonValueKind.Object)
        {
            throw new RunFolderException($"{path}: \"strategies\" must be an object of strategy -> metric -> summary");
        }

        var strategies = new List<string>();
        var recovery = new List<ParameterRecoveryResult>();
        var table = new Dictionary<string, Dictionary<string, MetricSummary>>(StringComparer.Ordinal);
        foreach (var strategy in strategiesElement.EnumerateObject())
        {
            if (strategy.Value.ValueKind != JsonValueKind.Object)
            {
                throw new RunFolderException($"{path}: strategies.{strategy.Name} must be an object");
            }

            var byMetric = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
            foreach (var metric in strategy.Value.EnumerateObject())
            {
                if (metric.Name == ParameterRecoveryKey)
                {
                    recovery.Add(ReadParameterRecovery(path, strategy.Name, metric.Value));
                    continue;
                }

                // Entries without "mean" are not metric summaries (room for fields added later).
                if (metric.Value.ValueKind != JsonValueKind.Object || !metric.Value.TryGetProperty("mean", out var mean))
                {
                    continue;
                }

                var where = $"strategies.{strategy.Name}.{metric.Name}";
                var ci = Array(path, Required(path, metric.Value, "ci95", where + "."), where + ".ci95").ToArray();
                if (ci.Length != 2)
                {
                    throw new RunFolderException($"{path}: {where}.ci95 must be [low, high]");
                }

                byMetric[metric.Name] = new MetricSummary(
                    JsonFields.Number(path, mean, where + ".mean"),
                    JsonFields.Number(path, ci[0], where + ".ci95[0]"),
                    JsonFields.Number(path, ci[1], where + ".ci95[1]"),
                    JsonFields.Number(path, Required(path, metric.Value, "sd", where + "."), where + ".sd"),
                    Int(path, Required(path, metric.Value, "n", where + "."), where + ".n"));
            }

            strategies.Add(strategy.Name);
            table[strategy.Name] = byMetric;
        }

        if (strategies.Count == 0)
        {
            throw new RunFolderException($"{path}: \"strategies\" is empty");
        }

        return new SummaryFacts(name.GetString()!, seeds, ticks, strategies, table, recovery);
    });

    private static ParameterRecoveryResult ReadParameterRecovery(string path, string strategy, JsonElement element)
    {
        var where = $"strategies.{strategy}.{ParameterRecoveryKey}";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new RunFolderException($"{path}: {where} must be an object");
        }

        var ci = Array(path, Required(path, element, "ci95", where + "."), where + ".ci95").ToArray();
        if (ci.Length != 2)
        {
            throw new RunFolderException($"{path}: {where}.ci95 must be [low, high]");
        }

        var perSeed = Array(path, Required(path, element, "per_seed", where + "."), where + ".per_seed")
            .Select(e => JsonFields.Number(path, e, where + ".per_seed[]")).ToArray();
        return new ParameterRecoveryResult(
            strategy,
            perSeed,
            new MetricSummary(
                JsonFields.Number(path, Required(path, element, "mean", where + "."), where + ".mean"),
                JsonFields.Number(path, ci[0], where + ".ci95[0]"),
                JsonFields.Number(path, ci[1], where + ".ci95[1]"),
                JsonFields.Number(path, Required(path, element, "sd", where + "."), where + ".sd"),
                Int(path, Required(path, element, "n", where + "."), where + ".n")));
    }
}
