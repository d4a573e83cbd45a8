using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>A run with a time-aware strategy and its time-blind twin reports their paired difference, and a redrawn report keeps it.</summary>
public sealed class TwinsCliTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-twins-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    [Trait("Category", "Slow")]
    public void Summary_and_console_give_each_time_aware_strategy_minus_its_twin_and_report_redraws_them()
    {
        var scenario = Path.Combine(_temp, "twins.json");
        File.WriteAllText(scenario, TestScenarios.SmallJson.Replace(
            "\"strategies\": [\"random\", \"popularity\", \"ema\", \"oracle\"]",
            "\"strategies\": [\"random\", \"gru4rec\", \"time-lstm\", { \"name\": \"sasrec\", \"hidden\": 8 }]",
            StringComparison.Ordinal));
        var run = Path.Combine(_temp, "run");
        var (code, stdout, stderr) = CliHarness.Run("run", scenario, "--out", run, "--device", "cpu", "--set", "ticks=8");
        Assert.True(code == 0, stderr);
        Assert.Contains("time-lstm - gru4rec", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("tisasrec - sasrec", stdout, StringComparison.Ordinal);

        var summaryPath = Path.Combine(run, "summary.json");
        var written = File.ReadAllText(summaryPath);
        using (var summary = JsonDocument.Parse(written))
        {
            var twins = summary.RootElement.GetProperty("twins");
            Assert.Equal(["time-lstm"], twins.EnumerateObject().Select(p => p.Name));
            var pair = twins.GetProperty("time-lstm");
            Assert.Equal("gru4rec", pair.GetProperty("twin").GetString());
            var ndcg = pair.GetProperty("ndcg@5");
            var strategies = summary.RootElement.GetProperty("strategies");
            var expected = strategies.GetProperty("time-lstm").GetProperty("ndcg@5").GetProperty("mean").GetDouble()
                - strategies.GetProperty("gru4rec").GetProperty("ndcg@5").GetProperty("mean").GetDouble();
            Assert.Equal(expected, ndcg.GetProperty("mean_diff").GetDouble(), 12);
            Assert.Equal(2, ndcg.GetProperty("n").GetInt32());
        }

        // The report command recomputes derived statistics from metrics.csv: the twins come back byte for byte.
        var redrawn = Path.Combine(_temp, "redrawn");
        var (reportCode, _, reportErr) = CliHarness.Run("report", run, "--out", redrawn);
        Assert.True(reportCode == 0, reportErr);
        Assert.Equal(written, File.ReadAllText(Path.Combine(redrawn, "summary.json")));
    }
}
