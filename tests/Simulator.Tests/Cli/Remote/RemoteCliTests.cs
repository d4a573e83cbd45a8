using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Remote;

/// <summary>
/// Strategies served over the policy protocol (protocol/policy.proto) by the Python client in
/// clients/python: the numpy ema against the built-in, and every way a server can fail. They skip
/// where Debian's python3-grpcio, -protobuf and -numpy are missing (.ci/run installs them).
/// </summary>
public sealed class RemoteCliTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-remote-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Results => Path.Combine(_temp, "results");

    private string Scenario(string entry, int ticks = 6, string strategies = "\"ema\"")
    {
        var path = Path.Combine(_temp, $"s{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "name": "remote-test",
              "seed": 5,
              "seeds": 2,
              "ticks": {{ticks}},
              "shards": 4,
              "slateSize": 5,
              "population": { "users": 300, "topics": 8, "activity": 0.8 },
              "catalog": { "items": 80 },
              "drift": { "kind": "abrupt", "rate": 0.05 },
              "strategies": [{{strategies}}, {{entry}}],
              "metrics": ["ndcg@5", "expected_ctr", "realised_ctr", "regret", "coverage"]
            }
            """);
        return path;
    }

    private (int Code, string Out, string Err) Run(string scenario, params string[] extra) =>
        CliHarness.Run(["run", scenario, "--results", Results, "--quiet", "--device", "cpu", "--threads", "2", .. extra]);

    private void AssertNoRunFolder() =>
        Assert.False(Directory.Exists(Results) && Directory.EnumerateFileSystemEntries(Results).Any(), "a run folder was left");

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void The_numpy_ema_over_grpc_reproduces_the_builtin_ema()
    {
        Skip.IfNot(PolicyServer.Available, "needs /usr/bin/python3 with python3-grpcio, python3-protobuf, python3-numpy");
        using var server = PolicyServer.Start("examples/ema.py");
        var outDir = Path.Combine(_temp, "run");
        var (code, _, err) = Run(Scenario($$"""{ "name": "numpy-ema", "endpoint": "{{server.Endpoint}}", "alpha": 0.3, "timeout": 60 }""", ticks: 20), "--out", outDir);
        Assert.True(code == 0, err);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var strategies = summary.RootElement.GetProperty("strategies");
        // Not to the last digit: numpy's matrix product sums <e, x> in another order than the
        // engine's fused kernel, so a score may differ in its last float bit; where two items are
        // that close, the slate order can flip, and that user's world goes its own way from there.
        // Measured: relative differences of a few 1e-6 on a 300-user, 20-tick run; bound 1e-3.
        foreach (var metric in new[] { "ndcg@5", "expected_ctr", "realised_ctr", "regret", "coverage" })
        {
            var builtin = strategies.GetProperty("ema").GetProperty(metric).GetProperty("mean").GetDouble();
            var remote = strategies.GetProperty("numpy-ema").GetProperty(metric).GetProperty("mean").GetDouble();
            Assert.True(Math.Abs(builtin - remote) <= 1e-3 * Math.Max(Math.Abs(builtin), 1e-3), $"{metric}: built-in {builtin}, numpy {remote}");
        }

        Assert.True(summary.RootElement.GetProperty("comparisons").TryGetProperty("numpy-ema", out _));
        Assert.Contains("numpy-ema", File.ReadAllText(Path.Combine(outDir, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_endpoint_stops_before_the_run_with_exit_2_naming_it()
    {
        var endpoint = $"http://127.0.0.1:{PolicyServer.FreePort()}";
        var (code, stdout, err) = Run(Scenario($$"""{ "name": "gone", "endpoint": "{{endpoint}}", "timeout": 5 }"""));
        Assert.Equal(2, code);
        Assert.Contains($"strategy gone: the policy server at {endpoint} did not answer", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Empty(stdout);
        AssertNoRunFolder();
    }

    [SkippableFact]
    public void The_hello_before_the_run_waits_at_least_ten_seconds_whatever_the_call_timeout()
    {
        // A server answering its first call 2 s late (a cold interpreter, a loaded machine) under
        // a 1 s call timeout: the hello also opens the connection, so it gets 10 s.
        Skip.IfNot(PolicyServer.Available, "needs /usr/bin/python3 with python3-grpcio, python3-protobuf, python3-numpy");
        using var server = PolicyServer.Start("tests/faulty_server.py", "--fault", "slow-hello");
        var (code, stdout, err) = Run(Scenario($$"""{ "name": "slow", "endpoint": "{{server.Endpoint}}", "timeout": 1 }""", strategies: "\"random\""));
        Assert.True(code == 0, err);
        Assert.False(string.IsNullOrWhiteSpace(stdout));
    }

    [Fact]
    public void A_malformed_endpoint_or_timeout_is_a_scenario_error()
    {
        var (code, _, err) = CliHarness.Run("validate", Scenario("""{ "name": "r", "endpoint": "127.0.0.1:50051" }"""));
        Assert.Equal(2, code);
        Assert.Contains("$.strategies[1].endpoint: \"127.0.0.1:50051\" is not a policy server address; expected http://HOST:PORT", err, StringComparison.Ordinal);

        (code, _, err) = CliHarness.Run("validate", Scenario("""{ "name": "r", "endpoint": "http://127.0.0.1:50051", "timeout": 0 }"""));
        Assert.Equal(2, code);
        Assert.Contains("$.strategies[1].timeout: expected a number in [0.01, 3600], found 0", err, StringComparison.Ordinal);
    }

    /// <summary>
    /// Each fault with the strategy's timeout: 3 s where the timeout is what is tested (the server
    /// sleeps 30 s), 30 s elsewhere, so a loaded machine's slow answer is not mistaken for the fault.
    /// </summary>
    public static TheoryData<string, string, string> ServerFaults() => new()
    {
        { "die", "30", "Recommend on the policy server at {0} failed: the server is not reachable or stopped answering" },
        { "sleep", "3", "Recommend on the policy server at {0} failed: no answer within the timeout of 3 s" },
        { "short", "30", "returned 952 items for 238 active users; expected 238 x 5 = 1190 (one slate of k per active user)" },
        { "nan", "30", "NaN or infinite score (NaN at position 2)" },
    };

    [SkippableTheory]
    [MemberData(nameof(ServerFaults))]
    public void A_server_that_fails_mid_run_stops_it_with_exit_1_naming_strategy_endpoint_and_tick(string fault, string timeout, string message)
    {
        Skip.IfNot(PolicyServer.Available, "needs /usr/bin/python3 with python3-grpcio, python3-protobuf, python3-numpy");
        using var server = PolicyServer.Start("tests/faulty_server.py", "--fault", fault, "--tick", "2");
        var (code, stdout, err) = Run(Scenario($$"""{ "name": "flaky", "endpoint": "{{server.Endpoint}}", "timeout": {{timeout}} }""", strategies: "\"random\""));
        Assert.True(code == 1, err);
        Assert.Contains("error: strategy flaky at tick 2", err, StringComparison.Ordinal);
        Assert.True(err.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, server.Endpoint), StringComparison.Ordinal), err);
        Assert.Contains("no run folder was written", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Empty(stdout);
        AssertNoRunFolder();
    }
}
