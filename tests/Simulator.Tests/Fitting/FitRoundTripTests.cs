using System.Text.Json;
using MathNet.Numerics.Statistics;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;
using Simulator.Tests.Core;
using Xunit.Abstractions;

namespace Simulator.Tests.Fitting;

/// <summary>
/// Round trip on a log the simulator generated with known forgetting parameters: fit the
/// export through the CLI, compare with the truth, calibrate a scenario, run it again and compare
/// the re-engagement gap distributions (two-sample KS).
/// </summary>
public sealed class FitRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private const string Exponential = """{ "curve": "exponential", "halfLife": 6, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""";

    private readonly string _dir = Directory.CreateTempSubdirectory("fit-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>
    /// Stated tolerances (measured values are printed): the exponential half-life of the median
    /// user within a factor [0.5, 1.5] of the truth; per-user speeds rank-correlate positively
    /// with the true half-lives (Spearman > 0.1).
    /// </summary>
    [Fact]
    public void ExportFitRecoversHalfLifeAndRanksUsers()
    {
        var export = SimulatedExport.Generate(ScenarioParser.Parse(SimulatedExport.ScenarioJson(Exponential), "fixture"));
        var fit = ForgettingFitter.Fit(ImpressionLikelihood.Build(export.Log));
        var exponential = fit.Families.Single(f => f.Shape.Curve == Simulator.Core.Compute.Operators.ForgettingCurve.Exponential);
        var median = exponential.Shape.P1 * Math.Exp(ForgettingFitter.Median(ForgettingFitter.FitUsers(ImpressionLikelihood.Build(export.Log), exponential).Select(u => u.LogFactor)));
        var trueMedian = ForgettingFitter.Median(export.TrueParameter1.Select(p => (double)p));
        var users = ForgettingFitter.FitUsers(ImpressionLikelihood.Build(export.Log), exponential);
        var spearman = Correlation.Spearman(users.Select(u => u.LogFactor).ToArray(), users.Select(u => (double)export.TrueParameter1[u.User]).ToArray());
        output.WriteLine($"best family {fit.Best.Shape.Curve}; exponential pooled half-life {exponential.Shape.P1:F2}, median user {median:F2}, true median {trueMedian:F2}; Spearman {spearman:F3} over {users.Count} users; heterogeneity {fit.Heterogeneity:F2} (true 0.5)");
        foreach (var f in fit.Families)
        {
            output.WriteLine($"  {f.Shape} ll {f.LogLikelihood:F1} aic {f.Aic:F1}");
        }

        Assert.InRange(median / trueMedian, 0.5, 1.5);
        Assert.True(spearman > 0.1, $"Spearman {spearman}");
    }

    [Fact]
    public void CliFitsExportFolderWritesReportAndSchemaValidCalibratedScenarioThatReproducesGaps()
    {
        var scenario = ScenarioParser.Parse(SimulatedExport.ScenarioJson(Exponential, users: 200, ticks: 50), "fixture");
        var original = SimulatedExport.Generate(scenario);
        var run = Path.Combine(_dir, "run");
        original.WriteTo(run);
        var template = Path.Combine(_dir, "template.json");
        File.WriteAllText(template, ScenarioWriter.ToJson(scenario));
        var outPath = Path.Combine(_dir, "calibrated.json");
        var report = Path.Combine(_dir, "report");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(["fit", run, "--out", outPath, "--template", template, "--report", report, "--curves", "exponential,power-law"], stdout, stderr, CancellationToken.None);
        output.WriteLine(stdout.ToString());
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("fit: ", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("<- best", stdout.ToString(), StringComparison.Ordinal);
        foreach (var file in new[] { "fit_curves.png", "fit_curves.svg", "fit-summary.txt", "user_speeds.csv", "topic_gaps.csv" })
        {
            Assert.True(new FileInfo(Path.Combine(report, file)).Length > 0, file);
        }

        // The calibrated scenario validates against scenarios/schema.json and parses.
        var json = File.ReadAllText(outPath);
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "scenarios", "schema.json")));
        using var value = JsonDocument.Parse(json);
        Assert.Empty(JsonSchemaChecker.Check(schema.RootElement, value.RootElement));
        var calibrated = ScenarioParser.Parse(json, "calibrated");
        Assert.Equal(scenario.Population.Users, calibrated.Population.Users);
        Assert.Equal(scenario.Ticks, calibrated.Ticks);
        Assert.InRange(calibrated.Population.Activity, 0.75, 0.85);

        // Run the calibrated population (another seed) and compare gap distributions.
        var again = SimulatedExport.Generate(calibrated with { Seed = scenario.Seed + 100 });
        var gapsA = LogStatistics.Compute(original.Log).Gaps;
        var gapsB = LogStatistics.Compute(again.Log).Gaps;
        var ks = TwoSampleKs.Statistic(gapsA, gapsB);
        var critical = TwoSampleKs.CriticalValue(gapsA.Length, gapsB.Length);
        var reference = TwoSampleKs.Statistic(gapsA, LogStatistics.Compute(SimulatedExport.Generate(scenario with { Seed = scenario.Seed + 100 }).Log).Gaps);
        output.WriteLine($"gap KS original vs calibrated re-run: D = {ks:F4} (n = {gapsA.Length}, {gapsB.Length}; 5% critical {critical:F4}); original vs itself with another seed: D = {reference:F4}");
        Assert.True(ks < 0.1, $"KS {ks}");
    }

    [Fact]
    public void CliReportsBadLineWithExitCodeTwo()
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "user,item,timestamp\n1,2,100\n1,3,not-a-time\n");
        var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(["fit", path], new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("bad.csv:3: unparseable timestamp", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }
}
