using MathNet.Numerics.Statistics;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;
using Xunit.Abstractions;

namespace Simulator.Tests.Fitting;

public sealed class RoundTripProbeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("""{ "curve": "exponential", "halfLife": 6, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""")]
    [InlineData("""{ "curve": "sigmoid", "midpoint": 8, "width": 2, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""")]
    [InlineData("""{ "curve": "power-law", "tau": 2, "exponent": 1.5, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""")]
    public void Probe(string forgetting)
    {
        var export = SimulatedExport.Generate(ScenarioParser.Parse(SimulatedExport.ScenarioJson(forgetting, users: 150, ticks: 40), "fixture"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lik = ImpressionLikelihood.Build(export.Log);
        var before = ForgettingFitter.Evaluations;
        var one = ForgettingFitter.FitFamily(lik, export.Scenario.Forgetting.Curve);
        output.WriteLine($"one family: {clock.Elapsed.TotalSeconds:F1}s, {ForgettingFitter.Evaluations - before} evaluations, groups {lik.Groups}");
        var fit = ForgettingFitter.Fit(lik);
        output.WriteLine($"all: {clock.Elapsed.TotalSeconds:F1}s");
        foreach (var f in fit.Families)
        {
            output.WriteLine($"{f.Shape} offset={f.Offset:F3} extra=[{string.Join(",", f.Extra.Select(e => e.ToString("F3")))}] ll={f.LogLikelihood:F1} aic={f.Aic:F1}");
        }

        output.WriteLine($"best {fit.Best.Shape.Curve} median {fit.MedianUserCurve} H={fit.Heterogeneity:F3} users={fit.Users.Count}");
        var est = fit.Users.Select(u => u.LogFactor).ToArray();
        var truth = fit.Users.Select(u => (double)export.TrueParameter1[u.User]).ToArray();
        output.WriteLine($"spearman {Correlation.Spearman(est, truth):F3}; rows {export.Log.Count}");
        var gap = ForgettingFitter.Fit(GapLikelihood.Build(export.Log));
        foreach (var f in gap.Families)
        {
            output.WriteLine($"gap {f.Shape} offset={f.Offset:F3} ll={f.LogLikelihood:F1} aic={f.Aic:F1}");
        }

        output.WriteLine($"gap spearman {Correlation.Spearman(gap.Users.Select(u => u.LogFactor).ToArray(), gap.Users.Select(u => (double)export.TrueParameter1[u.User]).ToArray()):F3} H={gap.Heterogeneity:F3}");
        var stats = LogStatistics.Compute(export.Log);
        output.WriteLine($"activity {stats.ActivityRate:F3} gaps {stats.Gaps.Length} drift {stats.DriftIndicator:F4}");
    }
}
