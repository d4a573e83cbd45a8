using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// What dwell times say about a user's alpha. A click's log dwell y = ln(dwell) grows with how
/// much interest the user still holds in what they clicked, so it is modelled as
/// y = mu + kappa z + sigma eps, z = R(t - L_g; alpha) the retention of the clicked item's topic g
/// (0 for a topic never engaged) and eps standard normal. mu, kappa and sigma are the
/// population's: least squares of y on z over every click so far, each click's z taken at its
/// user's alpha at the time (one EM-style pass: alphas give the regression, the regression
/// scores alphas), and kappa is held at or above 0 (more retained interest never shortens a
/// visit), so a regression that finds no link adds nothing. They are shared, not per user,
/// because a user's dwell level is itself the evidence: most clicks land a tick after the topic's
/// previous one, where only the level of R(1; alpha) separates users, and a user who forgets fast
/// keeps less of what they click and lingers less. Measured on fast-forgetting.json the per-click
/// slope of dwell on dt is nearly flat while users' mean dwell ranks their true speed at
/// Spearman -0.3, which the click likelihood alone (which profiles out each user's click rate)
/// cannot see.
/// Per user and alpha grid value a the user keeps sum z_a, sum z_a^2 and sum y z_a; the user's
/// log-likelihood, up to terms equal for every a, is
/// LL_u(a) = -(kappa^2 sum z_a^2 - 2 kappa sum y z_a + 2 mu kappa sum z_a) / (2 sigma^2),
/// exact for the current regression whenever it is asked. The population's sums are merged in
/// shard order.
/// </summary>
internal sealed class DwellEvidence : ICheckpointable
{
    /// <summary>Sums kept per user and grid value: z, z^2, y z.</summary>
    public const int Stats = 3;

    /// <summary>Population sums: z, z^2, y, y z, y^2.</summary>
    public const int PopulationStats = 5;

    /// <summary>Smallest dwell taken into the log (a zero dwell would be -infinity).</summary>
    public const float MinDwell = 1e-3f;

    private readonly int _grid;

    // Per user [N x grid x 3] in float, one user's block contiguous: a click touches one block.
    private readonly float[] _user;
    private readonly double[] _population = new double[PopulationStats];
    private long _populationCount;

    public DwellEvidence(int users, int grid)
    {
        _grid = grid;
        _user = new float[users * grid * Stats];
    }

    /// <summary>y = ln(max(dwell, MinDwell)).</summary>
    public static double LogDwell(float dwell) => Math.Log(Math.Max(dwell, MinDwell));

    /// <summary>Adds one click's sums to the user: z[a] is the clicked topic's retention under grid value a.</summary>
    public void AddUser(int user, double y, ReadOnlySpan<float> z)
    {
        var own = _user.AsSpan(user * _grid * Stats, _grid * Stats);
        for (var a = 0; a < _grid; a++)
        {
            own[a * Stats] += z[a];
            own[(a * Stats) + 1] += z[a] * z[a];
            own[(a * Stats) + 2] += (float)(y * z[a]);
        }
    }

    /// <summary>Adds one click (z at its user's current alpha) to a shard's population sums.</summary>
    public static void AddPopulationTerms(Span<double> part, double y, double z)
    {
        part[0] += z;
        part[1] += z * z;
        part[2] += y;
        part[3] += y * z;
        part[4] += y * y;
    }

    /// <summary>Adds the shard-merged population sums of this tick.</summary>
    public void AddPopulation(ReadOnlySpan<double> sum, long clicks)
    {
        for (var i = 0; i < PopulationStats; i++)
        {
            _population[i] += sum[i];
        }

        _populationCount += clicks;
    }

    /// <summary>
    /// The population regression y = mu + kappa z with residual variance sigma^2 (kappa &gt;= 0);
    /// false before 3 clicks or while z or y does not vary.
    /// </summary>
    public bool Regression(out double mu, out double kappa, out double variance)
    {
        mu = kappa = variance = 0;
        var n = (double)_populationCount;
        if (n < 3)
        {
            return false;
        }

        var mz = _population[0] / n;
        var vz = (_population[1] / n) - (mz * mz);
        var my = _population[2] / n;
        var cyz = (_population[3] / n) - (my * mz);
        var vy = (_population[4] / n) - (my * my);
        if (vz <= 1e-12 || vy <= 1e-12)
        {
            return false;
        }

        kappa = Math.Max(0.0, cyz / vz);
        mu = my - (kappa * mz);
        variance = Math.Max(vy - (2 * kappa * cyz) + (kappa * kappa * vz), 1e-6 * vy);
        return true;
    }

    /// <summary>Adds the user's dwell log-likelihood per grid value to <paramref name="ll"/> (nothing while the regression is undetermined or flat).</summary>
    public void AddLogLikelihood(int user, Span<double> ll)
    {
        if (!Regression(out var mu, out var kappa, out var variance) || kappa == 0)
        {
            return;
        }

        var own = _user.AsSpan(user * _grid * Stats, _grid * Stats);
        for (var a = 0; a < _grid; a++)
        {
            double sz = own[a * Stats], szz = own[(a * Stats) + 1], syz = own[(a * Stats) + 2];
            ll[a] -= ((kappa * kappa * szz) - (2 * kappa * syz) + (2 * mu * kappa * sz)) / (2 * variance);
        }
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("dwell.user", _user);
        state.Doubles("dwell.population", _population);
        state.Value("dwell.populationCount", ref _populationCount);
    }
}
