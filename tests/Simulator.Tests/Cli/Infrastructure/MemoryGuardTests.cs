using Simulator.Core.Simulation;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Infrastructure;

/// <summary>A scenario that does not fit is refused with the estimate and the memory available, before anything is allocated or written.</summary>
public sealed class MemoryGuardTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-memory-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Err) Cli(params string[] args)
    {
        var (code, _, err) = CliHarness.Run(args);
        return (code, err);
    }

    [Fact]
    public void Too_large_for_the_memory_limit_exits_2_with_estimate_and_available_and_allocates_nothing()
    {
        var json = TestScenarios.SmallJson.Replace("\"users\": 300", "\"users\": 400000", StringComparison.Ordinal);
        var path = Path.Combine(_temp, "big.json");
        File.WriteAllText(path, json);
        // A run without --export: its worlds share their per-tick outputs.
        var estimate = MemoryEstimate.Bytes(TestScenarios.Small(_ => json), sharedTickOutputs: true);
        Assert.True(estimate > 256L << 20, $"the test scenario should need well over the limit, estimate {estimate} B");

        var results = Path.Combine(_temp, "results");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (code, err) = Cli("run", path, "--results", results, "--memory-limit", "64", "--quiet", "--device", "cpu");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, code);
        Assert.Contains($"needs about {estimate / (1024.0 * 1024 * 1024):F2} GiB of host memory", err, StringComparison.Ordinal);
        Assert.Contains("only 0.06 GiB is available", err, StringComparison.Ordinal);
        Assert.Contains("nothing was allocated", err, StringComparison.Ordinal);
        Assert.Contains("bytes per user: population ", err, StringComparison.Ordinal);
        Assert.Contains($"world {MemoryEstimate.WorldBytesPerUser(TestScenarios.Small(_ => json)):N0} x 4", err, StringComparison.Ordinal);
        var small = TestScenarios.Small(_ => json);
        var ema = small.Strategies.Single(x => x.Name == "ema");
        Assert.Contains($"strategies' own state: ema {MemoryEstimate.StrategyBytesPerUser(ema, small.Dim, small.SlateSize, small.Catalog.Items):N0}, ", err, StringComparison.Ordinal);
        Assert.True(allocated < estimate / 10, $"{allocated} B were allocated before the refusal");
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void A_scenario_beyond_the_machine_is_refused_without_a_limit()
    {
        var path = Path.Combine(_temp, "huge.json");
        File.WriteAllText(path, """{ "population": { "users": 100000000, "topics": 1024 }, "strategies": ["random", "ema", "oracle"] }""");
        var results = Path.Combine(_temp, "results");
        var (code, err) = Cli("run", path, "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("GiB is available", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results));
    }
}
