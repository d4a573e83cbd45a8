using System.Diagnostics;
using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Plugins;

/// <summary>`simulator new-strategy`: the scaffold builds with dotnet build and its scenario runs the plugin end to end.</summary>
public sealed class NewStrategyTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-new-strategy-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void New_strategy_refuses_a_bad_name_and_a_folder_in_use()
    {
        var (code, _, err) = CliHarness.Run("new-strategy", "my-ranker", "--out", Path.Combine(_temp, "x"));
        Assert.Equal(2, code);
        Assert.Contains("expected a C# identifier", err, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_temp, "taken.txt"), "x");
        (code, _, err) = CliHarness.Run("new-strategy", "Demo", "--out", _temp);
        Assert.Equal(2, code);
        Assert.Contains("exists and is not an empty folder", err, StringComparison.Ordinal);
    }

    [Fact]
    public void New_strategy_writes_the_project_tests_and_scenario()
    {
        var dir = Path.Combine(_temp, "Demo");
        var (code, stdout, err) = CliHarness.Run("new-strategy", "Demo", "--out", dir);
        Assert.True(code == 0, err);
        Assert.Equal(dir, stdout.TrimEnd().Split('\n')[^1]);
        foreach (var file in new[] { "Demo.slnx", "src/Demo.csproj", "src/DecayedHistory.cs", "tests/Demo.Tests.csproj", "tests/DecayedHistoryTests.cs", "scenario.json", "README.md" })
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        }

        Assert.Contains(typeof(Simulator.Core.Strategies.IStrategy).Assembly.Location, File.ReadAllText(Path.Combine(dir, "Directory.Build.props")), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task The_scaffold_builds_and_its_scenario_runs_the_plugin_equal_to_the_builtin_it_reimplements()
    {
        var dir = Path.Combine(_temp, "Demo");
        Assert.Equal(0, CliHarness.Run("new-strategy", "Demo", "--out", dir).Code);

        var build = new ProcessStartInfo("dotnet", ["build", "-nologo", "-v", "q", "-p:UseSharedCompilation=false"]) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        using (var process = Process.Start(build)!)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"dotnet build failed:\n{await output}\n{errors}");
        }

        Assert.True(File.Exists(Path.Combine(dir, "src", "bin", "Demo.dll")));
        Assert.False(File.Exists(Path.Combine(dir, "src", "bin", "Simulator.Core.dll")), "the plugin must not carry its own Simulator.Core");

        var list = CliHarness.Run("list", "strategies", "--plugin", Path.Combine(dir, "src", "bin", "Demo.dll"));
        Assert.Contains("Demo.DecayedHistory", list.Out, StringComparison.Ordinal);
        Assert.Contains("decay = 0.8 in [0, 1]", list.Out, StringComparison.Ordinal);

        var outDir = Path.Combine(_temp, "run");
        var (code, _, err) = CliHarness.Run("run", Path.Combine(dir, "scenario.json"), "--users", "300", "--ticks", "8", "--seeds", "2", "--set", "drift.events=[4]", "--out", outDir, "--quiet", "--device", "cpu");
        Assert.True(code == 0, err);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var strategies = summary.RootElement.GetProperty("strategies");
        var builtin = strategies.GetProperty("decay-history");
        var plugin = strategies.GetProperty("demo");
        foreach (var metric in new[] { "ndcg@10", "expected_ctr", "realised_ctr", "regret", "coverage" })
        {
            Assert.Equal(builtin.GetProperty(metric).GetProperty("mean").GetDouble(), plugin.GetProperty(metric).GetProperty("mean").GetDouble());
        }

        Assert.True(summary.RootElement.GetProperty("comparisons").TryGetProperty("demo", out _));
        Assert.Contains("demo", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.Ordinal);
    }
}
