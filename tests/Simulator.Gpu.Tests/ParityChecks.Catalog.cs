using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;

namespace Simulator.Gpu.Tests;

/// <summary>
/// Catalog dynamics on the kernels: the live items are a prefix of preallocated item columns, so
/// ScoreTopK must read only the first ItemCount rows; and a whole run with arrivals, aging, social
/// proof and satiation on matches the CPU engine (every host-computed column reaches the device).
/// </summary>
public abstract partial class ParityChecks
{
    public static TheoryData<int, int, int, int, int> LivePrefixCases => new()
    {
        { 1, 1, 3, 1, 1 },
        { 7, 5, 40, 3, 3 },
        { 33, 67, 131, 16, 10 },
        { 130, 17, 67, 33, 10 },
        { 20, 70, 300, 128, 64 },
    };

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(LivePrefixCases))]
    public Task ScoreTopK_scores_only_the_live_prefix_of_a_larger_catalog(int users, int live, int capacity, int dim, int k) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var u = TestData.Floats(81, users * dim, 0f, 1f);
        var it = TestData.Floats(82, capacity * dim, 0f, 1f);
        var bias = TestData.Floats(83, capacity, -0.5f, 0.5f);

        // Items that have not arrived would win every slate if they were read.
        Array.Fill(it, 1000f, live * dim, (capacity - live) * dim);
        Array.Fill(bias, 1000f, live, capacity - live);

        var expectedItems = new int[users * k];
        var expectedScores = new float[users * k];
        var reference = new ReferenceEngine();
        reference.ScoreTopK(new ScoreTopKOperands(
            users, live, dim, k, reference.Bind(u), reference.Bind(it[..(live * dim)]), reference.Bind(bias[..live]), reference.Bind(expectedItems), reference.Bind(expectedScores)));

        var actualItems = new int[users * k];
        var actualScores = new float[users * k];
        using var cols = new ColumnSet(engine);
        engine.ScoreTopK(new ScoreTopKOperands(users, live, dim, k, cols.In(u), cols.In(it), cols.In(bias), cols.Out(actualItems), cols.Out(actualScores)));
        cols.DownloadAll();
        Assert.All(actualItems, i => Assert.True(i < live || (i == int.MaxValue && live < k), $"item {i} is not live (live: {live})"));
        AssertClose(expectedScores, actualScores, SumTolerance, "top-k scores over the live prefix");
    });

    [SkippableFact(Timeout = 4 * TimeoutMs)]
    [Trait("Category", "Slow")]
    public Task Run_with_every_catalog_and_response_feature_matches_the_cpu_engine() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var scenario = ScenarioParser.Parse(
            """
            {
              "seed": 3, "seeds": 1, "ticks": 6, "shards": 2, "slateSize": 4,
              "population": { "users": 40, "topics": 5 },
              "catalog": { "items": 30, "initialItems": 10, "arrivalRate": 3, "agingWeight": 1.5, "agingScale": 3, "socialProof": 0.4 },
              "choice": { "satiationWeight": 2, "satiationDecay": 0.6 },
              "strategies": ["random", "popularity", "ema", "oracle"]
            }
            """,
            "dynamic");
        using var cpu = new CpuEngine(1);
        var expected = SimulationRunner.Run(scenario, cpu, new RunOptions { Threads = 1 });
        var actual = SimulationRunner.Run(scenario, engine, new RunOptions { Threads = 1 });
        foreach (var strategy in expected.Strategies)
        {
            foreach (var metric in expected.Metrics)
            {
                var e = expected.Summary[strategy][metric].Mean;
                var a = actual.Summary[strategy][metric].Mean;
                Assert.True(double.IsNaN(e) ? double.IsNaN(a) : Math.Abs(e - a) < 1e-3, $"{strategy} {metric}: cpu {e} vs ilgpu {a}");
            }
        }
    });
}
