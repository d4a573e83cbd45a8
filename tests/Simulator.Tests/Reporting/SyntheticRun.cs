using Simulator.Core.Results;
using Simulator.Core.World;
using Simulator.Reporting;

namespace Simulator.Tests.Reporting;

/// <summary>Small, fully deterministic RunResults for reporting tests (no simulation involved).</summary>
internal static class SyntheticRun
{
    public static readonly string[] DefaultStrategies = ["oracle", "ema-decay", "popularity"];

    public static readonly string[] DefaultMetrics = ["ndcg@10", "expected_ctr", "regret"];

    public static RunResult Create(
        IReadOnlyList<string>? strategies = null,
        IReadOnlyList<string>? metrics = null,
        int seeds = 3,
        int ticks = 20,
        IReadOnlyList<int>? driftTicks = null,
        bool exposureAndExampleUsers = true)
    {
        strategies ??= DefaultStrategies;
        metrics ??= DefaultMetrics;
        driftTicks ??= [10];
        var series = new MetricSeries(strategies.Count, seeds, ticks, metrics.Count);
        for (var s = 0; s < strategies.Count; s++)
        {
            for (var seed = 0; seed < seeds; seed++)
            {
                // Literal seed per (strategy, seed) so the data never changes between runs.
                var rng = new Random(1000 + (17 * s) + seed);
                for (var t = 0; t < ticks; t++)
                {
                    var dip = driftTicks.Any(d => t >= d && t < d + 4) ? 0.2 : 0.0;
                    var quality = 0.9 - (0.2 * s) - dip + (0.03 * (rng.NextDouble() - 0.5));
                    for (var m = 0; m < metrics.Count; m++)
                    {
                        series[s, seed, t, m] = metrics[m] switch
                        {
                            "regret" => Math.Max(0, 0.9 - quality) * 0.5,
                            "expected_ctr" => quality * 0.3,
                            _ => quality,
                        };
                    }
                }
            }
        }

        var summary = new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>();
        for (var s = 0; s < strategies.Count; s++)
        {
            var byMetric = new Dictionary<string, MetricSummary>();
            for (var m = 0; m < metrics.Count; m++)
            {
                var perSeed = Enumerable.Range(0, seeds).Select(seed => series.Series(s, seed, m).Average()).ToArray();
                var e = SeedStatistics.Estimate(perSeed);
                var sd = seeds > 1 ? Math.Sqrt(perSeed.Sum(v => (v - e.Mean) * (v - e.Mean)) / (seeds - 1)) : 0;
                byMetric[metrics[m]] = new MetricSummary(e.Mean, e.Low, e.High, sd, seeds);
            }

            summary[strategies[s]] = byMetric;
        }

        return new RunResult
        {
            ScenarioName = "synthetic-drift",
            ScenarioJson = """{"name":"synthetic-drift","users":1000,"note":"a < b & c"}""",
            Users = 1000,
            Items = 200,
            Dim = 16,
            SlateSize = 10,
            Ticks = ticks,
            Seeds = Enumerable.Range(1, seeds).Select(i => (ulong)i).ToArray(),
            Strategies = strategies,
            Metrics = metrics,
            DriftEventTicks = driftTicks,
            Series = series,
            Summary = summary,
            ItemExposure = exposureAndExampleUsers
                ? strategies.Select((_, s) => Enumerable.Range(0, 200).Select(i => (long)(i % (s + 2) == 0 ? 5 * i : i % 7)).ToArray()).ToArray()
                : null,
            ExampleUsers = exposureAndExampleUsers ? ExampleUsers(strategies, ticks) : [],
            Environment = new RunEnvironment(
                "cpu", "test-cpu", ".NET 10.0", "Linux", 2, 1.25,
                new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "0.1.0-test"),
        };
    }

    /// <summary>Three example users over 4 topics whose main interest moves from topic 0 to topic 2 at mid-run.</summary>
    private static ExampleUserTrace[] ExampleUsers(IReadOnlyList<string> strategies, int ticks)
    {
        const int dim = 4;
        return Enumerable.Range(0, 3).Select(i =>
        {
            var traces = strategies.Select((name, s) =>
            {
                var truth = new float[ticks * dim];
                var estimate = new float[ticks * dim];
                for (var t = 0; t < ticks; t++)
                {
                    var main = t < ticks / 2 ? 0 : 2;
                    for (var g = 0; g < dim; g++)
                    {
                        truth[(t * dim) + g] = g == main ? 0.8f : 0.1f + (0.01f * i);

                        // Estimates lag the truth by 2 + s ticks and are NaN at the first tick.
                        var lagged = (t - 2 - s) < ticks / 2 ? 0 : 2;
                        estimate[(t * dim) + g] = t == 0 ? float.NaN : g == lagged ? 3f : 1f;
                    }
                }

                return new InterestTrace(name, truth, estimate);
            }).ToArray();
            return new ExampleUserTrace(1, 10 * i, new UserProfile(10 * i, $"User Name {i}", "en_GB", "loyal"), 5f * (i + 1), dim, traces);
        }).ToArray();
    }
}
