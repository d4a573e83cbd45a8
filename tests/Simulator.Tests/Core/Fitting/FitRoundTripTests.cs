using System.Text.Json;
using MathNet.Numerics.Statistics;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;
using Simulator.Tests.Core.Scenarios;
using Simulator.Tests.Support;
using Xunit.Abstractions;

namespace Simulator.Tests.Core.Fitting;

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
    /// ones (Spearman > 0.3); for every family the spread of speeds (maximum marginal likelihood,
    /// measured 0.49, 0.37 and 0.43 for true 0.5, 0.5 and 0.3) within 0.2 of the truth. The power
    /// law's exponent is not identifiable from 60 ticks (see
    /// <see cref="Power_law_exponent_is_not_identifiable_but_strength_after_three_ticks_is"/>), so for it the
    /// parameters are printed, not asserted here.
    /// </summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("""{ "curve": "exponential", "halfLife": 6, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""", 0.15)]
    [InlineData("""{ "curve": "sigmoid", "midpoint": 8, "width": 2, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""", 0.15)]
    [InlineData("""{ "curve": "power-law", "tau": 1, "exponent": 0.6, "heterogeneity": 0.3, "baseline": 0.05, "reinforcement": 0.6 }""", double.NaN)]
    public void Export_fit_recovers_family_parameters_and_ranks_users(string forgetting, double tolerance)
    {
        var export = SimulatedExport.Generate(ScenarioParser.Parse(SimulatedExport.ScenarioJson(forgetting), "fixture"));
        var fit = ForgettingFitter.Fit(ImpressionLikelihood.Build(export.Log, new ParallelOptions()));
        var truth = export.Scenario.Forgetting;
        var trueMedian = Quantiles.Median(export.TrueParameter1.Select(p => (double)p));
        var users = fit.Users.Where(u => double.IsFinite(u.StandardError)).ToArray();
        var spearman = Correlation.Spearman(users.Select(u => u.LogFactor).ToArray(), users.Select(u => (double)export.TrueParameter1[u.User]).ToArray());
        var secondAic = fit.Families.Where(f => !ReferenceEquals(f, fit.Best)).Min(f => f.Aic);
        var likelihood = ImpressionLikelihood.Build(export.Log, new ParallelOptions());
        var quality = likelihood.QualityCoefficientOf(fit.Best.Extra);
        var trueQuality = export.Scenario.Choice.QualityWeight / export.Scenario.Choice.Temperature;
        output.WriteLine($"truth {truth.Curve} p1 median {trueMedian:F2} p2 {truth.Parameter2:F2} b {truth.Baseline} eta {truth.Reinforcement}; best {fit.Best.Shape.Curve} by {secondAic - fit.Best.Aic:F1} AIC; median user {fit.MedianUserCurve}; Spearman {spearman:F3} over {users.Length} users; heterogeneity {fit.Heterogeneity:F2} (true {truth.Heterogeneity}); quality coefficient {quality:F3} (true {trueQuality}); time-scale drops {fit.TimeScale!.DropFaster:F1} / {fit.TimeScale.DropSlower:F1}");
        foreach (var f in fit.Families)
        {
            output.WriteLine($"  {f.Shape} b {f.Baseline:F3} eta {f.Reinforcement:F3} ll {f.LogLikelihood:F1} aic {f.Aic:F1}");
        }

        Assert.Equal(truth.Curve, fit.Best.Shape.Curve);
        Assert.False(fit.Best.IsSigmoidWithoutPlateau, "a true sigmoid's plateau is recovered");
        Assert.InRange(fit.Heterogeneity, truth.Heterogeneity - 0.2, truth.Heterogeneity + 0.2);
        Assert.InRange(quality, trueQuality - 0.15, trueQuality + 0.15);
        Assert.True(fit.TimeScale.Identified, "random slates identify the curve's time scale");
        if (!double.IsNaN(tolerance))
        {
            Assert.InRange(fit.MedianUserCurve.P1 / trueMedian, 1 - tolerance, 1 + tolerance);
            Assert.True(spearman > 0.3, $"Spearman {spearman}");
        }
    }

    /// <summary>
    /// Power-law truth (tau 1, exponent 0.6, baseline 0.05): the exponent is not identifiable from
    /// 60 ticks. Along the likelihood's ridge tau grows with the exponent and the baseline takes up
    /// the tail, so the profile log-likelihood at twice the fitted exponent (tau, baseline and
    /// reinforcement re-fitted) is within 3 units of the maximum (measured 0.6; from exponent 0.8
    /// to 6 it spans 2 units, while the true 0.6 sits 5 below). What the data pin down is the
    /// strength a few ticks after a click: S(3) = b + (1 - b) R(3) moves by under 5% along the
    /// ridge (measured 0.346 to 0.365 for exponents 0.4 to 6) and is within 25% of the true median
    /// user's (measured -20%, the same fast-leaning bias as the other families' -8%, larger here).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Power_law_exponent_is_not_identifiable_but_strength_after_three_ticks_is()
    {
        var export = SimulatedExport.Generate(ScenarioParser.Parse(SimulatedExport.ScenarioJson(
            """{ "curve": "power-law", "tau": 1, "exponent": 0.6, "heterogeneity": 0.3, "baseline": 0.05, "reinforcement": 0.6 }"""), "fixture"));
        var likelihood = ImpressionLikelihood.Build(export.Log, new ParallelOptions());
        var fit = ForgettingFitter.FitFamily(likelihood, ForgettingCurve.PowerLaw);
        var truth = export.Scenario.Forgetting;
        var trueTau = Quantiles.Median(export.TrueParameter1.Select(p => (double)p));
        var trueStrength = StrengthAt(new CurveShape(ForgettingCurve.PowerLaw, trueTau, truth.Parameter2), truth.Baseline, 3);
        var fitStrength = StrengthAt(fit.Shape, fit.Baseline, 3);
        var ridge = fit.Shape.P2 * 2;
        var (ridgeLl, ridgeShape, ridgeBaseline) = ProfileAtExponent(likelihood, fit, ridge);
        var ridgeStrength = StrengthAt(ridgeShape, ridgeBaseline, 3);
        output.WriteLine($"fit {fit.Shape} b {fit.Baseline:F3} ll {fit.LogLikelihood:F1} S(3) {fitStrength:F3}; exponent {ridge:F2}: tau {ridgeShape.P1:F3} b {ridgeBaseline:F3} ll {ridgeLl:F1} S(3) {ridgeStrength:F3}; truth tau {trueTau:F3} exponent {truth.Parameter2} b {truth.Baseline} S(3) {trueStrength:F3}");

        Assert.InRange(fit.LogLikelihood - ridgeLl, -0.5, 3);
        Assert.InRange(ridgeStrength / fitStrength, 0.95, 1.05);
        Assert.InRange(fitStrength / trueStrength, 0.75, 1.25);
    }

    /// <summary>
    /// Slates drawn from the topic of the user's last click (as a recommender that follows recent
    /// clicks shows them; mlp-forgetting exports show 1.3 topics per slate and 83% of impressions
    /// within 2 ticks of their topic's last click): the time-scale check finds that a curve twice as
    /// fast or slow fits about as well, and the printed summary says the curve is not identified,
    /// where random slates of the same truth pass the check (see the round-trip test).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Targeted_slates_leave_the_curve_unidentified_and_the_summary_says_so()
    {
        var export = SimulatedExport.Generate(ScenarioParser.Parse(SimulatedExport.ScenarioJson(Exponential), "fixture"), targeted: true);
        var likelihood = ImpressionLikelihood.Build(export.Log, new ParallelOptions());
        var fit = ForgettingFitter.Fit(likelihood, [ForgettingCurve.Exponential]);
        output.WriteLine($"fit {fit.Best.Shape} b {fit.Best.Baseline:F3}; time-scale drops {fit.TimeScale!.DropFaster:F2} (2x faster) / {fit.TimeScale.DropSlower:F2} (2x slower)");
        Assert.False(fit.TimeScale.Identified);

        var read = new Simulator.Storage.InteractionLogs.LogReadResult(export.Log, Simulator.Storage.InteractionLogs.LogFormat.Export, export.Log.Count, 0, null, [], "fixture", "ticks", 1, [], []);
        var summary = Simulator.Cli.Fitting.FitCommand.Summary("fixture", read, LogStatistics.Compute(export.Log), fit, likelihood);
        output.WriteLine(summary);
        Assert.Contains("WARNING: the log does not identify the forgetting curve", summary, StringComparison.Ordinal);
    }

    /// <summary>Strength b + (1 - b) R(dt) after a click from peak 1: the quantity the impression likelihood identifies.</summary>
    private static double StrengthAt(CurveShape shape, double baseline, double dt) => baseline + ((1 - baseline) * shape.Retention(dt));

    /// <summary>Profile log-likelihood at a fixed power-law exponent: tau, baseline offset and reinforcement re-fitted (Nelder-Mead), the amplitude prior held.</summary>
    private static (double LogLikelihood, CurveShape Shape, double Baseline) ProfileAtExponent(ImpressionLikelihood likelihood, FamilyFit fit, double exponent)
    {
        double Negative(MathNet.Numerics.LinearAlgebra.Vector<double> v)
        {
            if (Math.Abs(v[0]) > 8 || v[1] < -12 || v[1] > 3 || Math.Abs(v[2]) > 20)
            {
                return 1e300;
            }

            var extra = (double[])fit.Extra.Clone();
            extra[0] = v[2];
            return -likelihood.Total(new CurveShape(ForgettingCurve.PowerLaw, Math.Exp(v[0]), exponent), Math.Exp(v[1]), extra);
        }

        // Start on the ridge: the same initial decay rate exponent / tau as the fit.
        var start = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray([Math.Log(fit.Shape.P1 * exponent / fit.Shape.P2), Math.Log(fit.Offset), fit.Extra[0]]);
        var result = MathNet.Numerics.Optimization.NelderMeadSimplex.Minimum(
            MathNet.Numerics.Optimization.ObjectiveFunction.Value(Negative), start, MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(3, 0.3), 1e-7, 400);
        var offset = Math.Exp(result.MinimizingPoint[1]);
        return (-result.FunctionInfoAtMinimum.Value, new CurveShape(ForgettingCurve.PowerLaw, Math.Exp(result.MinimizingPoint[0]), exponent), offset / (1 + offset));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void CLI_fits_export_folder_writes_report_and_schema_valid_calibrated_scenario_that_reproduces_gaps()
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
    public void CLI_reports_bad_line_with_exit_code_two()
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "user,item,timestamp\n1,2,100\n1,3,not-a-time\n");
        var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(["fit", path], new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("bad.csv:3: unparseable timestamp", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void CLI_refuses_a_thread_count_that_is_not_a_positive_integer(string threads)
    {
        var path = Path.Combine(_dir, "log.csv");
        File.WriteAllText(path, "user,item,timestamp\n1,2,100\n1,3,200\n");
        var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(["fit", path, "--threads", threads], new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("--threads", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }
}
