using System.Diagnostics;
using System.Text.Json;
using Simulator.Cli.Plugins;
using Simulator.Cli.Remote;
using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Cli.Bench;

/// <summary>One size of the remote stage: medians of one tick's Recommend + Learn, all users active.</summary>
internal sealed record RemoteStageResult(int Users, int Items, int K, double RandomMs, double PluginMs, double RemoteMs, double RemoteRecommendMs, double RemoteLearnMs);

/// <summary>
/// bench's remote stage: one tick of a strategy's own work (Recommend, then Learn with every
/// third user clicking) at each size, for the built-in random in-process, the same strategy behind
/// the plugin door (the guard, the checked engine and the slate check a plugin gets), and a trivial
/// policy server (clients/python/examples/trivial.py) over the gRPC protocol on loopback.
/// </summary>
internal static class RemoteBench
{
    public static IReadOnlyList<RemoteStageResult> Measure(IComputeEngine engine, IReadOnlyList<int> users, int items, int dim, int k, int reps, string endpoint, TextWriter? log)
    {
        var results = new List<RemoteStageResult>();
        var catalogSpec = ScenarioParser.Parse($$"""{ "catalog": { "items": {{items}} }, "population": { "topics": {{dim}} } }""", "bench").Catalog;
        var random = StrategyCatalog.Find("random")!;
        foreach (var n in users)
        {
            log?.WriteLine($"remote stage: {n} users ...");
            using var catalog = new Catalog(engine, catalogSpec, dim, 1);
            var context = new StrategyContext(n, dim, k, catalog, engine, 1, new ShardLayout(n, 8), new ParallelOptions());
            var spec = new StrategySpec("random", new Dictionary<string, double>());
            var active = Enumerable.Repeat((byte)1, n).ToArray();
            var chosen = Enumerable.Range(0, n).Select(u => u % 3 == 0 ? 0 : -1).ToArray();
            var dwell = chosen.Select(c => c >= 0 ? 1f : 0f).ToArray();
            using var slates = engine.Bind(new int[n * k]);

            using var builtin = random.Create(context, spec);
            var randomMs = Time(reps, tick => Tick(builtin, tick, active, slates, chosen, dwell)).Total;

            var checkedEngine = new CheckedEngine(engine, "plugin");
            using var plugin = new GuardedStrategy("plugin", random.Create(context with { Engine = checkedEngine }, spec), checkedEngine);
            var pluginMs = Time(reps, tick =>
            {
                Tick(plugin, tick, active, slates, chosen, dwell);
                CheckSlates(slates.Host, n, k, catalog.LiveCount);
            }).Total;

            using var remote = new RemoteStrategy(context, new StrategySpec("trivial", new Dictionary<string, double> { ["timeout"] = 600 }), endpoint);
            var split = Time(reps, tick => Tick(remote, tick, active, slates, chosen, dwell));
            results.Add(new RemoteStageResult(n, items, k, randomMs, pluginMs, split.Total, split.Recommend, split.Learn));
        }

        return results;
    }

    /// <summary>What a plugin's slate costs to check: each of k items live and distinct.</summary>
    private static void CheckSlates(int[] slates, int users, int k, int live)
    {
        for (var u = 0; u < users; u++)
        {
            var slate = slates.AsSpan(u * k, k);
            for (var j = 0; j < k; j++)
            {
                if ((uint)slate[j] >= (uint)live || slate[..j].Contains(slate[j]))
                {
                    throw new InvalidOperationException($"bench: slate of user {u} is not valid");
                }
            }
        }
    }

    private static (double Recommend, double Learn) Tick(IStrategy strategy, int tick, byte[] active, IColumn<int> slates, int[] chosen, float[] dwell)
    {
        var start = Stopwatch.GetTimestamp();
        strategy.Recommend(new RecommendContext(tick, active, slates, null!));
        var middle = Stopwatch.GetTimestamp();
        strategy.Learn(new FeedbackContext(tick, active, slates.Host, chosen, dwell));
        var end = Stopwatch.GetTimestamp();
        return (Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds, Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
    }

    private static (double Total, double Recommend, double Learn) Time(int reps, Func<int, (double Recommend, double Learn)> tick)
    {
        tick(0);
        var runs = Enumerable.Range(1, Math.Max(1, reps)).Select(tick).ToArray();
        return (Median(runs.Select(r => r.Recommend + r.Learn)), Median(runs.Select(r => r.Recommend)), Median(runs.Select(r => r.Learn)));
    }

    private static (double Total, double Recommend, double Learn) Time(int reps, Action<int> tick) =>
        Time(reps, t =>
        {
            var start = Stopwatch.GetTimestamp();
            tick(t);
            return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, 0d);
        });

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The "remote" array of bench.json.</summary>
    public static void Write(Utf8JsonWriter w, IReadOnlyList<RemoteStageResult> results)
    {
        w.WriteStartObject("remote");
        w.WriteString("what", "one tick's Recommend + Learn, every user active, median ms: built-in random in-process, the same behind the plugin door (guard, checked engine, slate check), a trivial Python policy server over gRPC on loopback");
        w.WriteStartArray("sizes");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteNumber("users", r.Users);
            w.WriteNumber("items", r.Items);
            w.WriteNumber("k", r.K);
            w.WriteNumber("random_ms", Math.Round(r.RandomMs, 3));
            w.WriteNumber("plugin_ms", Math.Round(r.PluginMs, 3));
            w.WriteNumber("remote_ms", Math.Round(r.RemoteMs, 3));
            w.WriteNumber("remote_recommend_ms", Math.Round(r.RemoteRecommendMs, 3));
            w.WriteNumber("remote_learn_ms", Math.Round(r.RemoteLearnMs, 3));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
