using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>`run` on a sweep scenario writes one folder with a complete run per cell and a crossover report; `report` redraws it.</summary>
public sealed class SweepCliTests : IDisposable
{
    private const string Json = """
        {
          "name": "tiny-sweep",
          "seeds": 2,
          "ticks": 5,
          "shards": 2,
          "slateSize": 3,
          "population": { "users": 60, "topics": 4 },
          "catalog": { "items": 20 },
          "strategies": ["random", { "name": "ema", "alpha": 0.3 }],
          "sweep": { "drift.rate": [0, 0.2], "strategies.ema.alpha": [0.1, 0.9] }
        }
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-sweep-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    [Fact]
    [Trait("Category", "Slow")]
    public void A_sweep_runs_every_cell_into_one_folder_and_report_redraws_it_identically()
    {
        var scenario = Path.Combine(_temp, "sweep.json");
        File.WriteAllText(scenario, Json);
        var outDir = Path.Combine(_temp, "out");
        var (code, stdout, err) = Cli("run", scenario, "--out", outDir, "--quiet", "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Equal(outDir, stdout.TrimEnd().Split('\n')[^1]);

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")));
        var cells = index.RootElement.GetProperty("cells").EnumerateArray().ToArray();
        Assert.Equal(4, cells.Length);
        Assert.Equal("ndcg@3", index.RootElement.GetProperty("primary_metric").GetString());
        var last = cells[^1];
        Assert.Equal(0.2, last.GetProperty("settings").GetProperty("drift.rate").GetDouble());
        Assert.Equal(0.9, last.GetProperty("settings").GetProperty("strategies.ema.alpha").GetDouble());
        var cellDir = Path.Combine(outDir, last.GetProperty("folder").GetString()!);
        using (var cellScenario = JsonDocument.Parse(File.ReadAllText(Path.Combine(cellDir, "scenario.json"))))
        {
            Assert.Equal(0.9, cellScenario.RootElement.GetProperty("strategies")[1].GetProperty("alpha").GetDouble());
            Assert.False(cellScenario.RootElement.TryGetProperty("sweep", out _));
        }

        // Each cell is the same run as the cell's own scenario on its own.
        var alone = Path.Combine(_temp, "alone");
        Assert.Equal(0, Cli("run", Path.Combine(cellDir, "scenario.json"), "--out", alone, "--quiet", "--device", "cpu").Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(alone, "summary.json")), File.ReadAllBytes(Path.Combine(cellDir, "summary.json")));

        var plots = Directory.GetFiles(Path.Combine(outDir, "plots"), "sweep_*.png").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["sweep_ndcg_at_3_drift-rate_1.png", "sweep_ndcg_at_3_drift-rate_2.png", "sweep_ndcg_at_3_strategies-ema-alpha_1.png", "sweep_ndcg_at_3_strategies-ema-alpha_2.png"],
            plots);
        var markdown = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("plots/sweep_ndcg_at_3_drift-rate_1.png", markdown, StringComparison.Ordinal);
        Assert.Contains("/report.md", markdown, StringComparison.Ordinal);

        var before = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        var (reportCode, reportOut, reportErr) = Cli("report", outDir);
        Assert.True(reportCode == 0, reportErr);
        Assert.Equal(outDir, reportOut.Trim());
        var after = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void Checkpointing_a_sweep_is_refused_with_exit_2_and_nothing_written()
    {
        var scenario = Path.Combine(_temp, "sweep.json");
        File.WriteAllText(scenario, Json);
        var results = Path.Combine(_temp, "results");
        var (code, _, err) = Cli("run", scenario, "--results", results, "--checkpoint-every", "2", "--quiet", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("not sweeps", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results) && Directory.EnumerateFileSystemEntries(results, "*", SearchOption.AllDirectories).Any());
    }
}
