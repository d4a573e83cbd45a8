using Simulator.Core.Strategies.Learned;

namespace Simulator.Tests.Core.Strategies;

/// <summary>The dwell evidence of mlp-forgetting's alpha fit on hand-worked cases.</summary>
public sealed class DwellEvidenceTests
{
    private const int Digits = 6;

    [Fact]
    public void Population_regression_is_least_squares_of_log_dwell_on_retention()
    {
        // (z, y) = (0, 1), (1, 2), (0, 2), (1, 3): kappa = cov / var = 0.25 / 0.25 = 1, mu = 2 - 0.5 = 1.5,
        // residuals -0.5, -0.5, 0.5, 0.5: sigma^2 = 0.25.
        var evidence = Population((0, 1), (1, 2), (0, 2), (1, 3));
        Assert.True(evidence.Regression(out var mu, out var kappa, out var variance));
        Assert.Equal(1.5, mu, Digits);
        Assert.Equal(1.0, kappa, Digits);
        Assert.Equal(0.25, variance, Digits);
    }

    [Fact]
    public void A_negative_slope_is_held_at_zero_and_then_adds_no_evidence()
    {
        // cov(y, z) = 0.75 - 1 = -0.25 < 0: kappa = 0, mu = mean y = 2, sigma^2 = var y = 0.5.
        var evidence = Population((0, 3), (1, 2), (0, 2), (1, 1));
        evidence.AddUser(0, 1.0, [1f, 0.2f]);
        Assert.True(evidence.Regression(out var mu, out var kappa, out var variance));
        Assert.Equal(2.0, mu, Digits);
        Assert.Equal(0.0, kappa, Digits);
        Assert.Equal(0.5, variance, Digits);
        var ll = new double[2];
        evidence.AddLogLikelihood(0, ll);
        Assert.Equal([0.0, 0.0], ll);
    }

    [Fact]
    public void User_log_likelihood_favours_the_alpha_whose_retention_explains_the_dwell_level()
    {
        // Regression mu = 1.5, kappa = 1, sigma^2 = 0.25 (first test). Two grid values: the clicked topic
        // retains z = 1 (slow alpha) or 0.2 (fast). LL(a) = -(kappa^2 z^2 - 2 kappa y z + 2 mu kappa z) / (2 sigma^2):
        // user 0, y = 2.5: -(1 - 5 + 3) / 0.5 = 2 and -(0.04 - 1 + 0.6) / 0.5 = 0.72 (slow fits);
        // user 1, y = 1.5: -(1 - 3 + 3) / 0.5 = -2 and -(0.04 - 0.6 + 0.6) / 0.5 = -0.08 (fast fits).
        var evidence = Population((0, 1), (1, 2), (0, 2), (1, 3));
        evidence.AddUser(0, 2.5, [1f, 0.2f]);
        evidence.AddUser(1, 1.5, [1f, 0.2f]);
        var slow = new double[2];
        var fast = new double[2];
        evidence.AddLogLikelihood(0, slow);
        evidence.AddLogLikelihood(1, fast);
        Assert.Equal(2.0, slow[0], 5);
        Assert.Equal(0.72, slow[1], 5);
        Assert.Equal(-2.0, fast[0], 5);
        Assert.Equal(-0.08, fast[1], 5);

        // Up to a constant per user it is the Gaussian log-likelihood -(y - mu - kappa z)^2 / (2 sigma^2).
        Assert.Equal(-Math.Pow(2.5 - 1.5 - 0.2, 2) / 0.5, slow[1] - slow[0], 5);
    }

    [Fact]
    public void Forgetting_fit_gives_the_faster_alpha_to_the_user_who_lingers_less()
    {
        using var kit = new StrategyKit(2, 2, 2, [1f, 0f, 0f, 1f, 0.6f, 0.4f, 0.3f, 0.7f]);
        using var net = new InterestNetwork(kit.Engine, 6, 4, 2, 2, 4, 7);
        var behaviour = new BehaviourState(2, 2, timeBlind: false);
        for (var u = 0; u < 2; u++)
        {
            behaviour.Engage(u, 1, 9, 0f, 0.3f, 3f, 0.5f);
        }

        var fit = new AlphaGridFit(2, perUser: true, alphaInit: 0.3f, shape: 3f, prior: 0f);

        // Both users click the same item (topic 1, last engaged at tick 9) at ticks 10..15: identical clicks,
        // so only dwell tells them apart. Dwell falls as the topic ages for both, user 1 at a lower level.
        for (var t = 10; t < 16; t++)
        {
            var age = t - 9;
            fit.Observe(new Simulator.Core.Strategies.FeedbackContext(t, kit.Active, [1, 0, 1, 0], [0, 0], [40f / age, 8f / age]), kit.Context, behaviour, net);
        }

        Assert.True(fit.Alpha(1) > fit.Alpha(0));
    }

    private static DwellEvidence Population(params (double Z, double Y)[] clicks)
    {
        var evidence = new DwellEvidence(2, 2);
        var sums = new double[DwellEvidence.PopulationStats];
        foreach (var (z, y) in clicks)
        {
            DwellEvidence.AddPopulationTerms(sums, y, z);
        }

        evidence.AddPopulation(sums, clicks.Length);
        return evidence;
    }
}
