using System.Globalization;
using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Statistics;

namespace Simulator.Reporting.RunFiles;

/// <summary>
/// A run folder that cannot be read back: a file is missing or malformed. The message names the
/// file (and the line, for metrics.csv) so the user can fix or regenerate it.
/// </summary>
public sealed class RunFolderException : Exception
{
    public RunFolderException()
    {
    }

    public RunFolderException(string message)
        : base(message)
    {
    }

    public RunFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Reads a run folder (scenario.json, summary.json, metrics.csv, environment.json, and exposure.csv and example-users.json when present) back into the
/// <see cref="RunResult"/> that wrote it, so reports can be redrawn and compared without running
/// anything. Writing the result again gives the same summary.json and metrics.csv bytes.
/// Unknown fields in the JSON files are ignored, so newer writers can add fields freely.
/// </summary>
public static class RunFolderReader
{
    /// <summary>True when <paramref name="directory"/> holds the files a run folder needs.</summary>
    public static bool LooksLikeRunFolder(string directory) =>
        File.Exists(Path.Combine(directory, RunFileNames.Summary))
        && File.Exists(Path.Combine(directory, RunFileNames.Metrics));

    /// <summary>Reads the folder; throws <see cref="RunFolderException"/> naming the bad file.</summary>
    public static RunResult Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new RunFolderException($"{directory}: no such run folder");
        }

        if (!LooksLikeRunFolder(directory) && !File.Exists(Path.Combine(directory, RunFileNames.Scenario)))
        {
            throw new RunFolderException(
                $"{directory}: not a run folder (no {RunFileNames.Scenario}, {RunFileNames.Summary} or {RunFileNames.Metrics}); pass a folder written by simulator run");
        }

        var scenarioPath = Path.Combine(directory, RunFileNames.Scenario);
        var summaryPath = Path.Combine(directory, RunFileNames.Summary);
        var metricsPath = Path.Combine(directory, RunFileNames.Metrics);
        var environmentPath = Path.Combine(directory, RunFileNames.Environment);

        var scenarioJson = ReadText(scenarioPath);
        var scenario = ParseScenario(scenarioPath, scenarioJson);
        var summary = ParseSummary(summaryPath, ReadText(summaryPath));
        var environment = ParseEnvironment(environmentPath, ReadText(environmentPath));
        if (summary.Ticks is int summaryTicks && summaryTicks != scenario.Ticks)
        {
            throw new RunFolderException($"{summaryPath}: ticks is {summaryTicks} but {RunFileNames.Scenario} says {scenario.Ticks}");
        }

        var (metrics, series) = ParseMetrics(metricsPath, summary.Strategies, summary.Seeds, scenario.Ticks);
        var table = new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>(StringComparer.Ordinal);
        foreach (var strategy in summary.Strategies)
        {
            var byMetric = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
            foreach (var metric in metrics)
            {
                // The writers assume every (strategy, metric) cell exists; refuse here rather than fail later.
                if (!summary.Table[strategy].TryGetValue(metric, out var cell))
                {
                    throw new RunFolderException(
                        $"{summaryPath}: strategy \"{strategy}\" has no summary for metric \"{metric}\" (a column of {RunFileNames.Metrics})");
                }

                byMetric[metric] = cell;
            }

            table[strategy] = byMetric;
        }

        var result = new RunResult
        {
            ScenarioName = summary.Scenario,
            ScenarioJson = scenarioJson,
            Users = scenario.Users,
            Items = scenario.Items,
            Dim = scenario.Topics,
            SlateSize = scenario.SlateSize,
            Ticks = scenario.Ticks,
            Seeds = summary.Seeds,
            Strategies = summary.Strategies,
            Metrics = metrics,
            DriftEventTicks = scenario.DriftEvents,
            Series = series,
            Summary = table,
            Environment = environment,
            ItemExposure = ReadOptional(directory, RunFileNames.Exposure, (path, text) => ExposureCsv.Read(path, text, summary.Strategies, scenario.Items)),
            ExampleUsers = ReadOptional(directory, RunFileNames.ExampleUsers, ExampleUsersJson.Read) ?? [],
            ParameterRecovery = summary.ParameterRecovery,
            ParameterRecoveryPoints = ParameterRecoveryCsv.ReadIfPresent(Path.Combine(directory, RunFileNames.ParameterRecovery)),
        };

        // Comparisons, normalised scores and recovery are functions of the series and the
        // scenario: recompute them exactly as the run did rather than trusting a second copy.
        return result.WithDerivedStatistics(ResolvedScenario(scenarioPath, scenarioJson));
    }

    private static Scenario ResolvedScenario(string path, string json)
    {
        try
        {
            return ScenarioParser.Parse(json, Path.GetFileName(Path.GetDirectoryName(path)) ?? "run");
        }
        catch (ScenarioException e)
        {
            throw new RunFolderException($"{path}: not a valid resolved scenario: {e.Errors[0]}", e);
        }
    }

    /// <summary>Parses a file the run writes only when it has the data; null when absent.</summary>
    private static T? ReadOptional<T>(string directory, string name, Func<string, string, T> parse)
        where T : class
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path) ? parse(path, ReadText(path)) : null;
    }

    private static string ReadText(string path)
    {
        if (!File.Exists(path))
        {
            throw new RunFolderException($"{path}: missing; a run folder needs {RunFileNames.Scenario}, {RunFileNames.Summary}, {RunFileNames.Metrics} and {RunFileNames.Environment}");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"{path}: cannot be read: {e.Message}", e);
        }
    }

    private sealed record ScenarioFacts(int Users, int Items, int Topics, int SlateSize, int Ticks, IReadOnlyList<int> DriftEvents);

    private sealed record SummaryFacts(
        string Scenario,
        IReadOnlyList<ulong> Seeds,
        int? Ticks,
        IReadOnlyList<string> Strategies,
        IReadOnlyDictionary<string, Dictionary<string, MetricSummary>> Table,
        IReadOnlyList<ParameterRecoveryResult> ParameterRecovery);

    private static ScenarioFacts ParseScenario(string path, string json) => WithDocument(path, json, root =>
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

    private static SummaryFacts ParseSummary(string path, string json) => WithDocument(path, json, root =>
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
                if (metric.Name == SummaryJson.ParameterRecoveryKey)
                {
                    recovery.Add(ParseParameterRecovery(path, strategy.Name, metric.Value));
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
                    Number(path, mean, where + ".mean"),
                    Number(path, ci[0], where + ".ci95[0]"),
                    Number(path, ci[1], where + ".ci95[1]"),
                    Number(path, Required(path, metric.Value, "sd", where + "."), where + ".sd"),
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

    private static ParameterRecoveryResult ParseParameterRecovery(string path, string strategy, JsonElement element)
    {
        var where = $"strategies.{strategy}.{SummaryJson.ParameterRecoveryKey}";
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
            .Select(e => Number(path, e, where + ".per_seed[]")).ToArray();
        return new ParameterRecoveryResult(
            strategy,
            perSeed,
            new MetricSummary(
                Number(path, Required(path, element, "mean", where + "."), where + ".mean"),
                Number(path, ci[0], where + ".ci95[0]"),
                Number(path, ci[1], where + ".ci95[1]"),
                Number(path, Required(path, element, "sd", where + "."), where + ".sd"),
                Int(path, Required(path, element, "n", where + "."), where + ".n")));
    }

    private static RunEnvironment ParseEnvironment(string path, string json) => WithDocument(path, json, root =>
    {
        // Fields in file order, so the first problem reported is the first in the file.
        var engine = String(path, root, "engine");
        var device = String(path, root, "device");
        var runtime = String(path, root, "runtime");
        var os = String(path, root, "os");
        var processors = Int(path, Required(path, root, "processors"), "processors");
        var wallSeconds = Number(path, Required(path, root, "wallSeconds"), "wallSeconds");
        var started = String(path, root, "startedUtc");
        if (!DateTimeOffset.TryParseExact(started, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startedUtc))
        {
            throw new RunFolderException($"{path}: startedUtc \"{started}\" is not an ISO 8601 round-trip timestamp");
        }

        return new RunEnvironment(engine, device, runtime, os, processors, wallSeconds, startedUtc, String(path, root, "version"));
    });

    /// <summary>
    /// metrics.csv: header <c>strategy,seed,tick,&lt;metrics&gt;</c>, then exactly one row per
    /// (strategy, seed, tick) named in summary.json. Rows are matched by value, not position.
    /// </summary>
    private static (IReadOnlyList<string> Metrics, MetricSeries Series) ParseMetrics(
        string path, IReadOnlyList<string> strategies, IReadOnlyList<ulong> seeds, int ticks)
    {
        if (!File.Exists(path))
        {
            throw new RunFolderException($"{path}: missing; a run folder needs {RunFileNames.Scenario}, {RunFileNames.Summary}, {RunFileNames.Metrics} and {RunFileNames.Environment}");
        }

        try
        {
            return ParseMetricLines(path, File.ReadLines(path), strategies, seeds, ticks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"{path}: cannot be read: {e.Message}", e);
        }
    }

    private static (IReadOnlyList<string> Metrics, MetricSeries Series) ParseMetricLines(
        string path, IEnumerable<string> lines, IReadOnlyList<string> strategies, IReadOnlyList<ulong> seeds, int ticks)
    {
        var strategyIndex = strategies.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
        var seedIndex = new Dictionary<ulong, int>();
        for (var i = 0; i < seeds.Count; i++)
        {
            seedIndex.TryAdd(seeds[i], i);
        }

        string[]? metrics = null;
        MetricSeries? series = null;
        bool[]? seen = null;
        var lineNumber = 0;
        var rows = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (metrics is null)
            {
                var header = line.Split(',');
                if (header.Length < 4 || header[0] != "strategy" || header[1] != "seed" || header[2] != "tick")
                {
                    throw new RunFolderException($"{path}:{lineNumber}: header must be \"strategy,seed,tick,<metric>...\", found \"{Clip(line)}\"");
                }

                metrics = header[3..];
                var duplicate = metrics.GroupBy(m => m, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                {
                    throw new RunFolderException($"{path}:{lineNumber}: metric \"{duplicate.Key}\" appears twice in the header");
                }

                series = new MetricSeries(strategies.Count, seeds.Count, ticks, metrics.Length);
                seen = new bool[strategies.Count * seeds.Count * ticks];
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != metrics.Length + 3)
            {
                throw new RunFolderException($"{path}:{lineNumber}: expected {metrics.Length + 3} comma-separated values, found {cells.Length}");
            }

            if (!strategyIndex.TryGetValue(cells[0], out var w))
            {
                throw new RunFolderException($"{path}:{lineNumber}: strategy \"{Clip(cells[0])}\" is not in {RunFileNames.Summary}");
            }

            if (!ulong.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seed) || !seedIndex.TryGetValue(seed, out var s))
            {
                throw new RunFolderException($"{path}:{lineNumber}: seed \"{Clip(cells[1])}\" is not one of the seeds in {RunFileNames.Summary}");
            }

            if (!int.TryParse(cells[2], NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t >= ticks)
            {
                throw new RunFolderException($"{path}:{lineNumber}: tick \"{Clip(cells[2])}\" is not an integer in [0, {ticks - 1}]");
            }

            var slot = (((w * seeds.Count) + s) * ticks) + t;
            if (seen![slot])
            {
                throw new RunFolderException($"{path}:{lineNumber}: duplicate row for strategy {cells[0]}, seed {cells[1]}, tick {cells[2]}");
            }

            seen[slot] = true;
            for (var m = 0; m < metrics.Length; m++)
            {
                if (!double.TryParse(cells[m + 3], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new RunFolderException($"{path}:{lineNumber}: {metrics[m]} value \"{Clip(cells[m + 3])}\" is not a number");
                }

                series![w, s, t, m] = value;
            }

            rows++;
        }

        if (metrics is null)
        {
            throw new RunFolderException($"{path}: empty; expected a header line \"strategy,seed,tick,<metric>...\"");
        }

        var expected = strategies.Count * seeds.Count * ticks;
        if (rows != expected)
        {
            var missing = System.Array.IndexOf(seen!, false);
            var (mw, rest) = Math.DivRem(missing, seeds.Count * ticks);
            var (ms, mt) = Math.DivRem(rest, ticks);
            throw new RunFolderException(
                $"{path}: {rows} data rows, expected {expected} ({strategies.Count} strategies x {seeds.Count} seeds x {ticks} ticks); " +
                $"first missing: strategy {strategies[mw]}, seed {seeds[ms]}, tick {mt}");
        }

        return (metrics, series!);
    }

    private static T WithDocument<T>(string path, string json, Func<JsonElement, T> read)
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

    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value : null;

    private static JsonElement Required(string path, JsonElement parent, string name, string prefix = "")
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new RunFolderException($"{path}: expected an object holding \"{prefix}{name}\"");
        }

        return parent.TryGetProperty(name, out var value)
            ? value
            : throw new RunFolderException($"{path}: missing field \"{prefix}{name}\"");
    }

    private static JsonElement.ArrayEnumerator Array(string path, JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray()
            : throw new RunFolderException($"{path}: {where} must be an array");

    private static int Int(string path, JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value)
            ? value
            : throw new RunFolderException($"{path}: {where} must be an integer, found {Clip(element.GetRawText())}");

    // Numbers; null is an undefined value (NaN), as SummaryJson writes it; also the strings
    // "NaN"/"Infinity" in case a writer ever emits named literals.
    private static double Number(string path, JsonElement element, string where)
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

        throw new RunFolderException($"{path}: {where} must be a number, found {Clip(element.GetRawText())}");
    }

    private static string String(string path, JsonElement parent, string name)
    {
        var value = Required(path, parent, name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new RunFolderException($"{path}: \"{name}\" must be a string");
    }

    // Keeps messages one readable line even when a file holds garbage.
    private static string Clip(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
