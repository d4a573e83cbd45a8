using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;
using Xunit.Abstractions;

namespace Simulator.Tests.Core.Fitting;

/// <summary>The impression likelihood, made fast (one term per topic of a slate, vector exp, warm Newton), against the row-by-row reference.</summary>
public sealed class ImpressionLikelihoodTests(ITestOutputHelper output)
{
    private const string Exponential = """{ "curve": "exponential", "halfLife": 6, "heterogeneity": 0.5, "baseline": 0.1, "reinforcement": 0.6 }""";

    /// <summary>
    /// At several points of every family (curve, baseline, reinforcement, amplitude prior, quality),
    /// visited in an order that moves far between calls as Nelder-Mead's first steps do, the total
    /// log-likelihood equals the reference's to 1e-6 per history, on random and on targeted slates.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_fast_likelihood_gives_the_reference_values(bool targeted)
    {
        var export = SimulatedExport.Generate(ScenarioParser.Parse(SimulatedExport.ScenarioJson(Exponential, users: 80, ticks: 40), "fixture"), targeted);
        var fast = ImpressionLikelihood.Build(export.Log, new ParallelOptions());
        var reference = ReferenceImpressionLikelihood.Build(export.Log, new ParallelOptions());
        (CurveShape Shape, double Offset, double[] Extra)[] points =
        [
            (new CurveShape(ForgettingCurve.Exponential, 6, 0), 0.1, [0.0, 1.0, Math.Log(1.5), 0.0]),
            (new CurveShape(ForgettingCurve.Sigmoid, 8, 2), 0.05, [0.5, 2.0, Math.Log(1.0), 0.4]),
            (new CurveShape(ForgettingCurve.PowerLaw, 1, 0.6), 0.3, [-1.0, 0.5, Math.Log(2.5), -0.3]),
            (new CurveShape(ForgettingCurve.Exponential, 0.5, 0), 0.01, [2.0, 4.0, Math.Log(0.5), 1.0]),
            (new CurveShape(ForgettingCurve.Exponential, 6.1, 0), 0.1, [0.01, 1.0, Math.Log(1.5), 0.01]),
        ];
        foreach (var (shape, offset, extra) in points)
        {
            var a = fast.Total(shape, offset, extra);
            var b = reference.Total(shape, offset, extra);
            output.WriteLine($"{shape} o {offset}: fast {a:R}, reference {b:R}, difference {a - b:G3}");
            Assert.Equal(b, a, 1e-6 * fast.Groups);
        }
    }
}
