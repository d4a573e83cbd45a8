using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Randomness;

namespace Simulator.Tests.Core.Fitting;

/// <summary>The gap likelihood recovers a known curve from re-engagements drawn from its own model, and its parts are exact.</summary>
public sealed class GapLikelihoodTests
{
    /// <summary>Tolerance of curve integrals against a fine trapezoid sum (step 1e-3).</summary>
    private const double IntegralTolerance = 1e-5;

    [Theory]
    [InlineData(ForgettingCurve.Exponential, 5.0, 0.0)]
    [InlineData(ForgettingCurve.Sigmoid, 6.0, 1.5)]
    [InlineData(ForgettingCurve.PowerLaw, 2.0, 1.5)]
    [InlineData(ForgettingCurve.PowerLaw, 2.0, 1.0)]
    public void Integral_matches_quadrature_and_retention_matches_float_reference(ForgettingCurve curve, double p1, double p2)
    {
        var shape = new CurveShape(curve, p1, p2);
        var sum = 0.0;
        const double h = 1e-3;
        for (var x = 0.0; x < 20 - 1e-12; x += h)
        {
            sum += (shape.Retention(x) + shape.Retention(x + h)) * h / 2;
        }

        Assert.Equal(sum, shape.Integral(20), IntegralTolerance);
        Assert.Equal(1.0, shape.Retention(0), 12);
        Assert.Equal(ForgettingMath.Retention(curve, 7f, (float)p1, (float)p2), shape.Retention(7), 5);
    }

    /// <summary>
    /// 600 history x topic pairs re-engage over 120 time units with intensity r (o + R(dt)), drawn by
    /// thinning with keyed noise. Stated tolerance: the true family wins by AIC and the fitted
    /// retention curve is within 0.05 of the true one at dt = 1, 3 and 10. (A power law's tau and
    /// exponent trade off against each other, so the curve, not tau alone, is the fair target; the
    /// exponential's half-life must also come back within 20%.)
    /// </summary>
    [Theory]
    [InlineData(ForgettingCurve.Exponential, 5.0, 0.0)]
    [InlineData(ForgettingCurve.PowerLaw, 1.0, 2.0)]
    public void Recovers_family_and_parameters_from_its_own_model(ForgettingCurve curve, double p1, double p2)
    {
        var truth = new CurveShape(curve, p1, p2);
        var log = DrawReengagements(truth, groups: 600);
        var fit = ForgettingFitter.Fit(GapLikelihood.Build(log, new ParallelOptions()));
        Assert.Equal(curve, fit.Best.Shape.Curve);
        foreach (var dt in new[] { 1.0, 3.0, 10.0 })
        {
            Assert.Equal(truth.Retention(dt), fit.Best.Shape.Retention(dt), 0.05);
        }

        if (curve == ForgettingCurve.Exponential)
        {
            Assert.InRange(fit.Best.Shape.P1 / p1, 0.8, 1.2);
        }
    }

    /// <summary>
    /// Stopped by the iteration cap, a fit reports the best point the simplex met, not its grid
    /// start: 25 iterations (short of convergence, which the last assert pins) beat 2.
    /// </summary>
    [Fact]
    public void A_fit_stopped_by_the_iteration_cap_keeps_the_best_point_it_met()
    {
        var likelihood = GapLikelihood.Build(DrawReengagements(new CurveShape(ForgettingCurve.Exponential, 5, 0), groups: 150), new ParallelOptions());
        var early = ForgettingFitter.FitFamily(likelihood, ForgettingCurve.Sigmoid, maxIterations: 2);
        var later = ForgettingFitter.FitFamily(likelihood, ForgettingCurve.Sigmoid, maxIterations: 25);
        var converged = ForgettingFitter.FitFamily(likelihood, ForgettingCurve.Sigmoid);
        Assert.True(later.LogLikelihood > early.LogLikelihood, $"25 iterations {later.LogLikelihood} vs 2 {early.LogLikelihood}");
        Assert.Equal(likelihood.Total(later.Shape, later.Offset, later.Extra), later.LogLikelihood, 9);
        Assert.True(converged.LogLikelihood > later.LogLikelihood + 1e-3, $"converged {converged.LogLikelihood} vs 25 iterations {later.LogLikelihood}");
    }

    /// <summary>
    /// On a log with many users each family's search first runs on a subsample of users and then
    /// on all of them from the subsample's optimum (to save full evaluations); it must end where
    /// the search on all users alone ends: log-likelihood within 0.05 units and the curve within
    /// 0.01 at dt = 1, 3 and 10 (200 users, the coarse search on every 5th).
    /// </summary>
    [Theory]
    [InlineData(ForgettingCurve.Exponential, 5.0, 0.0)]
    [InlineData(ForgettingCurve.Sigmoid, 6.0, 1.5)]
    public void A_search_started_on_a_subsample_ends_where_the_search_on_every_user_ends(ForgettingCurve curve, double p1, double p2)
    {
        var likelihood = GapLikelihood.Build(DrawReengagements(new CurveShape(curve, p1, p2), groups: 600), new ParallelOptions());
        var direct = ForgettingFitter.FitFamily(likelihood, curve, searchUsers: int.MaxValue);
        var coarseToFine = ForgettingFitter.FitFamily(likelihood, curve, searchUsers: 40);
        Assert.Equal(direct.LogLikelihood, coarseToFine.LogLikelihood, 0.05);
        foreach (var dt in new[] { 1.0, 3.0, 10.0 })
        {
            Assert.Equal(direct.Shape.Retention(dt), coarseToFine.Shape.Retention(dt), 0.01);
        }
    }

    /// <summary>
    /// The caller's thread limit reaches every loop of a fit, and the fit does not depend on it:
    /// group terms are summed in group order and each user is fitted alone, so one thread and
    /// three give the same bits.
    /// </summary>
    [Fact]
    public void A_fit_gives_the_same_bits_on_one_thread_and_on_three()
    {
        var log = DrawReengagements(new CurveShape(ForgettingCurve.Exponential, 5, 0), groups: 150);
        var families = new[] { ForgettingCurve.Exponential, ForgettingCurve.Sigmoid };
        var one = ForgettingFitter.Fit(GapLikelihood.Build(log, new ParallelOptions { MaxDegreeOfParallelism = 1 }), families);
        var three = ForgettingFitter.Fit(GapLikelihood.Build(log, new ParallelOptions { MaxDegreeOfParallelism = 3 }), families);
        Assert.Equal(one.Families.Select(f => f.LogLikelihood), three.Families.Select(f => f.LogLikelihood));
        Assert.Equal(one.Best.Shape, three.Best.Shape);
        Assert.Equal(one.Heterogeneity, three.Heterogeneity);
        Assert.Equal(one.Users.Select(u => u.LogFactor), three.Users.Select(u => u.LogFactor));
    }

    /// <summary>
    /// History x topic pairs (three per history) that re-engage over 120 time units with intensity
    /// r (o + R(dt)), o = 0.05 and r between 0.4 and 0.8 per pair, drawn by thinning with keyed noise.
    /// </summary>
    private static InteractionLog DrawReengagements(CurveShape truth, int groups)
    {
        const double offset = 0.05;
        var log = new InteractionLog { HasImpressions = false };
        for (var g = 0; g < groups; g++)
        {
            var history = log.AddHistory(g / 3);
            var rate = 0.4 + (0.4 * KeyedRandom.Uniform(3, 70, (uint)g, 0, 0));
            var bound = rate * (offset + 1);
            var t = 0.0;
            var last = 0.0;
            log.Add(history, g % 3, 0, -1, true);
            for (uint k = 1; t < 120; k++)
            {
                t += -Math.Log(KeyedRandom.Uniform(3, 71, (uint)g, k, 0)) / bound;
                if (t < 120 && KeyedRandom.Uniform(3, 72, (uint)g, k, 0) * bound < rate * (offset + truth.Retention(t - last)))
                {
                    log.Add(history, g % 3, t, -1, true);
                    last = t;
                }
            }
        }

        return log;
    }
}
