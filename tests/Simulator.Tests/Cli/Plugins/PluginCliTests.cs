using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Plugins;

/// <summary>
/// C# strategy plugins through the CLI: loaded from a scenario entry, paired with built-ins under
/// common random numbers, and every way a plugin can be wrong stopped with a clear message, the
/// right exit code and no run folder. The plugins are classes of this test assembly, loaded in a
/// load context of their own as any plugin assembly is.
/// </summary>
public sealed class PluginCliTests : IDisposable
{
    private static readonly string Assembly = typeof(EmaPlugin).Assembly.Location;

    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-plugin-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Results => Path.Combine(_temp, "results");

    /// <summary>A small scenario with the built-in ema and one external entry (JSON object text).</summary>
    private string Scenario(string entry, string catalog = """{ "items": 60 }""", int ticks = 5)
    {
        var path = Path.Combine(_temp, $"s{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "name": "plugin-test",
              "seed": 11,
              "seeds": 2,
              "ticks": {{ticks}},
              "shards": 4,
              "slateSize": 5,
              "population": { "users": 200, "topics": 6, "activity": 0.9 },
              "catalog": {{catalog}},
              "strategies": ["ema", {{entry}}],
              "metrics": ["ndcg@5", "expected_ctr", "regret"]
            }
            """);
        return path;
    }

    private static string Plugin(string type, string extra = "", string? dll = null) =>
        $$"""{ "name": "mine", "plugin": {{JsonSerializer.Serialize(dll ?? Assembly)}}, "type": "Simulator.Tests.Cli.Plugins.{{type}}"{{extra}} }""";

    private (int Code, string Out, string Err) Run(string scenario, params string[] extra) =>
        CliHarness.Run(["run", scenario, "--results", Results, "--quiet", "--device", "cpu", "--threads", "2", .. extra]);

    private void AssertNoRunFolder() =>
        Assert.False(Directory.Exists(Results) && Directory.EnumerateFileSystemEntries(Results, "*", SearchOption.AllDirectories).Any(p => !p.Contains(".checkpoints", StringComparison.Ordinal)), "a run folder was left");

    [Fact]
    public void A_plugin_wrapping_ema_reproduces_the_builtin_and_is_compared_with_it()
    {
        var outDir = Path.Combine(_temp, "run");
        var (code, _, err) = Run(Scenario(Plugin("EmaPlugin", """, "alpha": 0.3""")), "--out", outDir);
        Assert.True(code == 0, err);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var strategies = summary.RootElement.GetProperty("strategies");
        foreach (var metric in new[] { "ndcg@5", "expected_ctr", "regret" })
        {
            Assert.Equal(
                strategies.GetProperty("ema").GetProperty(metric).GetProperty("mean").GetDouble(),
                strategies.GetProperty("mine").GetProperty(metric).GetProperty("mean").GetDouble());
            var paired = summary.RootElement.GetProperty("comparisons").GetProperty("mine").GetProperty(metric);
            Assert.Equal(0.0, paired.GetProperty("mean_diff").GetDouble());
        }

        Assert.Contains("mine", File.ReadAllText(Path.Combine(outDir, "report.md")), StringComparison.Ordinal);
        var written = File.ReadAllText(Path.Combine(outDir, "scenario.json"));
        Assert.Contains("\"plugin\"", written, StringComparison.Ordinal);
        Assert.Contains("Simulator.Tests.Cli.Plugins.EmaPlugin", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_loads_the_plugin_and_checks_its_declared_parameters()
    {
        var good = CliHarness.Run("validate", Scenario(Plugin("EmaPlugin", """, "alpha": 0.5""")));
        Assert.True(good.Code == 0, good.Err);

        var (code, _, err) = CliHarness.Run("validate", Scenario(Plugin("EmaPlugin", """, "alpha": 2""")));
        Assert.Equal(2, code);
        Assert.Contains("$.strategies[1].alpha: expected a number in [0, 1], found 2", err, StringComparison.Ordinal);

        (code, _, err) = CliHarness.Run("validate", Scenario(Plugin("EmaPlugin", """, "alpah": 0.5""")));
        Assert.Equal(2, code);
        Assert.Contains("$.strategies[1].alpah: unknown field", err, StringComparison.Ordinal);
    }

    [Fact]
    public void List_strategies_with_a_plugin_shows_its_classes_and_parameters()
    {
        var (code, stdout, err) = CliHarness.Run("list", "strategies", "--plugin", Assembly);
        Assert.True(code == 0, err);
        Assert.Contains("Simulator.Tests.Cli.Plugins.EmaPlugin", stdout, StringComparison.Ordinal);
        Assert.Contains("ema, loaded as a plugin", stdout, StringComparison.Ordinal);
        Assert.Contains("alpha = 0.3 in [0, 1]", stdout, StringComparison.Ordinal);

        (code, _, err) = CliHarness.Run("list", "strategies", "--plugin", Path.Combine(_temp, "nope.dll"));
        Assert.Equal(2, code);
        Assert.Contains("no such file", err, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> ConfigurationFaults() => new()
    {
        { "missing", "$.strategies[1].plugin: no such file", "missing.dll" },
        { "NoSuchType", "$.strategies[1].type: no type \"Simulator.Tests.Cli.Plugins.NoSuchType\"", "" },
        { "NotAStrategy", "$.strategies[1].type: Simulator.Tests.Cli.Plugins.NotAStrategy does not implement Simulator.Core.Strategies.IStrategy", "" },
        { "NoConstructorPlugin", "$.strategies[1].type: Simulator.Tests.Cli.Plugins.NoConstructorPlugin has no public constructor (StrategyContext context, StrategySpec spec)", "" },
        { "ThrowingConstructorPlugin", "strategy mine: the constructor of Simulator.Tests.Cli.Plugins.ThrowingConstructorPlugin threw InvalidOperationException: cannot open weights for mine (200 users)", "" },
    };

    [Theory]
    [MemberData(nameof(ConfigurationFaults))]
    public void A_plugin_that_cannot_be_loaded_or_built_stops_before_the_run_with_exit_2(string type, string message, string dll)
    {
        var scenario = Scenario(Plugin(type, dll: dll.Length > 0 ? Path.Combine(_temp, dll) : null));
        var (code, stdout, err) = Run(scenario);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Empty(stdout);
        AssertNoRunFolder();
    }

    public static TheoryData<string, string> RuntimeFaults() => new()
    {
        { "DuplicatePlugin", "item 5 is shown twice (positions 0 and 1); expected 5 distinct live items" },
        { "OutOfRangePlugin", "item 65 at position 0 is not in the catalog (items 0..59)" },
        { "NotLivePlugin", "item 40 at position 0 has not arrived yet (live items 0..39)" },
        { "NanScorePlugin", "NaN or infinite score (its user vector holds NaN)" },
        { "ThrowingRecommendPlugin", "Recommend threw InvalidOperationException: model file went missing" },
    };

    [Theory]
    [MemberData(nameof(RuntimeFaults))]
    public void A_plugin_that_breaks_the_contract_while_running_stops_with_exit_1_naming_strategy_tick_and_user(string type, string message)
    {
        var catalog = type == "NotLivePlugin" ? """{ "items": 60, "initialItems": 40, "arrivalRate": 0 }""" : """{ "items": 60 }""";
        var (code, stdout, err) = Run(Scenario(Plugin(type), catalog));
        Assert.Equal(1, code);
        var user = type == "ThrowingRecommendPlugin" ? string.Empty : $", user {FaultyPlugin.FaultUser}";
        Assert.Contains($"error: strategy mine at tick {FaultyPlugin.FaultTick}{user}", err, StringComparison.Ordinal);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.Contains("no run folder was written", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Empty(stdout);
        AssertNoRunFolder();
    }

    [Fact]
    public void A_plugin_may_not_take_a_builtin_name_or_give_both_plugin_and_endpoint()
    {
        var (code, _, err) = CliHarness.Run("validate", Scenario($$"""{ "name": "ema", "plugin": {{JsonSerializer.Serialize(Assembly)}}, "type": "Simulator.Tests.Cli.Plugins.EmaPlugin" }"""));
        Assert.Equal(2, code);
        Assert.Contains("$.strategies[1].name: \"ema\" is a built-in strategy", err, StringComparison.Ordinal);

        (code, _, err) = CliHarness.Run("validate", Scenario(Plugin("EmaPlugin", """, "endpoint": "http://127.0.0.1:1" """)));
        Assert.Equal(2, code);
        Assert.Contains("$.strategies[1].endpoint: expected either \"plugin\" (with \"type\") or \"endpoint\", not both", err, StringComparison.Ordinal);
    }
}
