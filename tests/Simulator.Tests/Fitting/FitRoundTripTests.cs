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
    /// Curve family and population parameters recovered from 300 users x 60 ticks of random
    /// slates for each family's truth (log-sd 0.5 of speeds across users). Stated tolerances:
    /// the chosen family is the true one; the median user's parameter 1 (half-life, midpoint)
    /// within 15% of the truth's median user; per-user speed factors rank-correlate with the true
    /// ones (Spearman > 0.3). The power law's parameters trade off against the baseline within 60
    /// ticks, so for it only the family is asserted (its parameters are printed).
    /// </summary>
    [Theory]
    [InlineData("""{ "curve": "exponential", "halfLife": 6, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""", 0.15)]
    [InlineData("""{ "curve": "sigmoid", "midpoint": 8, "width": 2, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""", 0.15)]
    [InlineData("""{ "curve": "power-law", "tau": 1, "exponent": 0.6, "heterogeneity": 0.3, "baseline": 0.05, "reinforcement": 0.6 }""", double.NaN)]
    public void ExportFitRecoversFamilyParametersAndRanksUsers(string forgetting, double tolerance)
    {
        var export = SimulatedExport.Generate(ScenarioParser.Parse(SimulatedExport.ScenarioJson(forgetting), "fixture"));
        var fit = ForgettingFitter.Fit(ImpressionLikelihood.Build(export.Log));
        var truth = export.Scenario.Forgetting;
        var trueMedian = ForgettingFitter.Median(export.TrueParameter1.Select(p => (double)p));
        var users = fit.Users.Where(u => double.IsFinite(u.StandardError)).ToArray();
        var spearman = Correlation.Spearman(users.Select(u => u.LogFactor).ToArray(), users.Select(u => (double)export.TrueParameter1[u.User]).ToArray());
        var secondAic = fit.Families.Where(f => !ReferenceEquals(f, fit.Best)).Min(f => f.Aic);
        output.WriteLine($"truth {truth.Curve} p1 median {trueMedian:F2} p2 {truth.Parameter2:F2} b {truth.Baseline} eta {truth.Reinforcement}; best {fit.Best.Shape.Curve} by {secondAic - fit.Best.Aic:F1} AIC; median user {fit.MedianUserCurve}; Spearman {spearman:F3} over {users.Length} users; heterogeneity {fit.Heterogeneity:F2} (true {truth.Heterogeneity})");
        foreach (var f in fit.Families)
        {
            output.WriteLine($"  {f.Shape} b {f.Baseline:F3} eta {f.Reinforcement:F3} ll {f.LogLikelihood:F1} aic {f.Aic:F1}");
        }

        Assert.Equal(truth.Curve, fit.Best.Shape.Curve);
        if (!double.IsNaN(tolerance))
        {
            Assert.InRange(fit.MedianUserCurve.P1 / trueMedian, 1 - tolerance, 1 + tolerance);
            Assert.True(spearman > 0.3, $"Spearman {spearman}");
        }
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

        // Per-user speeds are keyed by the log's own ids (seed:user for an export), not the fitter's dense index.
        var userIds = File.ReadAllLines(Path.Combine(report, "user_speeds.csv")).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.NotEmpty(userIds);
        Assert.All(userIds, id => Assert.Matches("^\"\\d+:\\d+\"$", id));
        Assert.Equal(userIds.Length, userIds.Distinct().Count());

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
        Assert.True(ks < critical, $"KS {ks} vs 5% critical {critical}");
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
