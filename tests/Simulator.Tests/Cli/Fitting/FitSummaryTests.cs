using Simulator.Cli.Fitting;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Randomness;
using Simulator.Storage.InteractionLogs;

namespace Simulator.Tests.Cli.Fitting;

/// <summary>What the printed fit summary says about the chosen family, on hand-made fits.</summary>
public sealed class FitSummaryTests
{
    /// <summary>
    /// A sigmoid that wins by AIC with its midpoint below its width has no plateau, and the summary
    /// cautions that its lead may not be about the curve, quoting both parameters and the lead; a
    /// sigmoid with a plateau (the fixture's midpoint 7.1, width 2.3) and an exponential get no caution.
    /// </summary>
    [Theory]
    [InlineData(ForgettingCurve.Sigmoid, 1.49, 3.19, true)]
    [InlineData(ForgettingCurve.Sigmoid, 7.1, 2.3, false)]
    [InlineData(ForgettingCurve.Exponential, 4.5, 0, false)]
    public void A_sigmoid_without_plateau_is_flagged_in_the_summary(ForgettingCurve winner, double p1, double p2, bool cautioned)
    {
        var exponential = Exponential();
        var other = new FamilyFit(new CurveShape(winner, p1, p2), 0.1, [], -976.5, 3);
        var best = winner == ForgettingCurve.Exponential ? exponential : other;
        FamilyFit[] families = winner == ForgettingCurve.Exponential ? [exponential] : [exponential, other];
        var fit = new ForgettingFit("test", families, best, [], 0.6, best.Shape);

        var summary = FitCommand.Summary("log.csv", Read(), LogStatistics.Compute(Log()), fit);

        Assert.Equal(cautioned, best.IsSigmoidWithoutPlateau);
        if (cautioned)
        {
            Assert.Contains("caution: the sigmoid has no plateau (midpoint 1.49 < width 3.19 days)", summary, StringComparison.Ordinal);
            Assert.Contains("its AIC lead (45)", summary, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("caution", summary, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// An engagement log without forgetting (each history x topic re-engages at a constant rate,
    /// whatever the time since its last engagement): the time-scale check cannot tell the curve
    /// from one twice as fast or slow, and the WARNING names the engagement-log cause, not
    /// targeted slates.
    /// </summary>
    [Fact]
    public void An_engagement_log_without_forgetting_gets_the_warning_with_its_own_cause()
    {
        var log = new InteractionLog { HasImpressions = false };
        for (var g = 0; g < 300; g++)
        {
            var history = log.AddHistory(g / 3);
            var t = 0.0;
            for (uint k = 0; ; k++)
            {
                t += -Math.Log(KeyedRandom.Uniform(5, 80, (uint)g, k, 0)) / 0.5;
                if (t >= 100)
                {
                    break;
                }

                log.Add(history, g % 3, t, -1, true);
            }
        }

        var likelihood = GapLikelihood.Build(log, new ParallelOptions());
        var fit = ForgettingFitter.Fit(likelihood, [ForgettingCurve.Exponential]);
        var read = new LogReadResult(log, LogFormat.Csv, log.Count, 0, null, [], "topic column", "days", 86400, [], []);

        var summary = FitCommand.Summary("log.csv", read, LogStatistics.Compute(log), fit, likelihood);

        Assert.False(fit.TimeScale!.Identified, $"drops {fit.TimeScale.DropFaster} / {fit.TimeScale.DropSlower}");
        Assert.Contains("WARNING: the log does not identify the forgetting curve", summary, StringComparison.Ordinal);
        Assert.Contains("how soon users come back to a topic does not depend on how long ago", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("targeted slates", summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// A drift indicator above <see cref="LogStatistics.DriftCaution"/> (quickstart.json's abrupt
    /// drift measured 0.137) gets a caution that the curve reads fast; one at the stationary
    /// level (0.034 measured) does not.
    /// </summary>
    [Theory]
    [InlineData(0.137, true)]
    [InlineData(0.034, false)]
    public void Drift_above_the_caution_level_is_flagged(double indicator, bool cautioned)
    {
        var exponential = Exponential();
        var fit = new ForgettingFit("test", [exponential], exponential, [], 0.6, exponential.Shape);
        var stats = LogStatistics.Compute(Log()) with { DriftHalves = 0.4 + indicator, DriftBaseline = 0.4, DriftUsers = 5000 };

        var summary = FitCommand.Summary("log.csv", Read(), stats, fit);

        Assert.Equal(cautioned, stats.DriftLikelyBiasesTheCurve);
        Assert.Equal(cautioned, summary.Contains($"caution: drift indicator {indicator.ToString(System.Globalization.CultureInfo.InvariantCulture)} bits (above 0.05)", StringComparison.Ordinal));
        Assert.Equal(cautioned, summary.Contains("drift reads as faster forgetting", StringComparison.Ordinal));
    }

    /// <summary>A drop that rounds to zero from below prints as 0, not -0.</summary>
    [Fact]
    public void A_tiny_negative_drop_prints_as_zero()
    {
        var exponential = Exponential();
        var fit = new ForgettingFit("test", [exponential], exponential, [], 0.6, exponential.Shape) { TimeScale = new TimeScaleCheck(2, -1e-6, 0.25) };

        var summary = FitCommand.Summary("log.csv", Read(), LogStatistics.Compute(Log()), fit);

        Assert.Contains("2x faster loses 0 log-likelihood units, 2x slower 0.25 ", summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The summary names each family's parameters as a scenario does (tau and exponent, not
    /// "parameter 1 / parameter 2"), and a rate too small for four decimals keeps three
    /// significant digits instead of printing 0 (a 17-day log fitted in seconds).
    /// </summary>
    [Fact]
    public void The_summary_names_parameters_as_the_scenario_does_and_keeps_small_rates()
    {
        var power = new FamilyFit(new CurveShape(ForgettingCurve.PowerLaw, 2.5, 0.75), 0.02, [], -990, 3);
        var fit = new ForgettingFit("test", [Exponential(), power], power, [], 0.6, power.Shape);
        var read = new LogReadResult(Log(), LogFormat.Csv, 4, 0, null, ["news"], "topic column", "seconds", 1, [], ["alice"]);
        var stats = LogStatistics.Compute(Log()) with { EngagementsPerUserPerUnit = 2.7e-6 };

        var summary = FitCommand.Summary("log.csv", read, stats, fit);

        Assert.Contains("    power-law    tau 2.5, exponent 0.75 ", summary, StringComparison.Ordinal);
        Assert.Contains("    exponential  halfLife 4.47 ", summary, StringComparison.Ordinal);
        Assert.Contains("population: power-law median user tau 2.5, exponent 0.75 (seconds)", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("parameter 1", summary, StringComparison.Ordinal);
        Assert.Contains(", 2.7E-6 engagements per user per second", summary, StringComparison.Ordinal);
    }

    /// <summary>An exponential fit (half-life 4.47 days) to set beside or alone in a hand-made fit.</summary>
    private static FamilyFit Exponential() => new(new CurveShape(ForgettingCurve.Exponential, 4.47, 0), 0.02, [], -1000, 2);

    private static InteractionLog Log()
    {
        var log = new InteractionLog { HasImpressions = false };
        var history = log.AddHistory(0);
        foreach (var t in new[] { 0.0, 1.0, 3.0, 4.0 })
        {
            log.Add(history, 0, t, -1, true);
        }

        return log;
    }

    private static LogReadResult Read() => new(Log(), LogFormat.Csv, 4, 0, null, ["news"], "topic column", "days", 86400, [], ["alice"]);
}
