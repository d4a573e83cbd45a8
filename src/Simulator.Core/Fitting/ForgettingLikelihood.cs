namespace Simulator.Core.Fitting;

/// <summary>
/// A log-likelihood of forgetting-curve parameters given an interaction log, split into groups
/// (one per history x topic) whose nuisance parameter is profiled out in closed form or by a
/// short Newton solve. Groups are stored in user order so a user's groups are contiguous and a
/// per-user fit touches only its own rows. Group terms are computed in parallel but summed in
/// group order, so results do not depend on the thread count.
/// </summary>
public abstract class ForgettingLikelihood
{
    private readonly int[] _groupStart;
    private readonly int[] _userGroupStart;

    protected ForgettingLikelihood(int[] groupStart, int[] groupUser, int users, ParallelOptions parallel)
    {
        _groupStart = groupStart;
        Parallel = parallel;
        Users = users;
        _userGroupStart = new int[users + 1];
        var counts = new int[users + 1];
        foreach (var u in groupUser)
        {
            counts[u + 1]++;
        }

        for (var u = 0; u < users; u++)
        {
            _userGroupStart[u + 1] = _userGroupStart[u] + counts[u + 1];
        }
    }

    public int Users { get; }

    /// <summary>The caller's parallel options: every loop over users takes them (so --threads limits a fit).</summary>
    public ParallelOptions Parallel { get; }

    public int Groups => _groupStart.Length - 1;

    /// <summary>Nuisance parameters shared by all groups and fitted with the curve (e.g. click intercept).</summary>
    public abstract int ExtraParameters { get; }

    /// <summary>Whether the baseline offset o (o + R(dt)) is a parameter of this likelihood.</summary>
    public abstract bool HasOffset { get; }

    /// <summary>Starting values of the nuisance parameters.</summary>
    public abstract double[] InitialExtra { get; }

    /// <summary>The reinforcement eta that the extra parameters stand for; NaN when the likelihood does not estimate it.</summary>
    public virtual double ReinforcementOf(double[] extra) => double.NaN;

    /// <summary>A typical elapsed time in the data (median), the scale initial curve parameters are drawn around.</summary>
    public abstract double TypicalTime { get; }

    /// <summary>Short name of the likelihood for reports.</summary>
    public abstract string Kind { get; }

    /// <summary>Engagements (clicks or re-engagements) that carry information about a user's curve.</summary>
    public abstract int EventsOfUser(int user);

    protected int RowStart(int group) => _groupStart[group];

    protected int RowEnd(int group) => _groupStart[group + 1];

    /// <summary>Log-likelihood of one group at its profiled nuisance value.</summary>
    protected abstract double GroupLogLikelihood(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra);

    /// <summary>Total log-likelihood: every group, curve scaled per user by <paramref name="logFactors"/> when given.</summary>
    public double Total(CurveShape shape, double offset, double[] extra, double[]? logFactors = null)
    {
        var groups = Groups;
        var terms = new double[groups];
        System.Threading.Tasks.Parallel.For(0, Users, Parallel, u =>
        {
            var userShape = logFactors is null ? shape : shape.Scaled(Math.Exp(logFactors[u]));
            for (var g = _userGroupStart[u]; g < _userGroupStart[u + 1]; g++)
            {
                terms[g] = GroupLogLikelihood(g, userShape, offset, extra);
            }
        });
        var sum = 0.0;
        foreach (var t in terms)
        {
            sum += t;
        }

        return sum;
    }

    /// <summary>
    /// Total log-likelihood with each user's speed integrated out: per user,
    /// ln of the integral over z of L_u(curve slowed by e^z) N(z; 0, heterogeneity^2), summed in
    /// user order. The simulator draws every user's speed factor log-normally around the median
    /// user, so this is the likelihood of the spread itself (<see cref="ForgettingFitter.FitHeterogeneity"/>).
    /// The integral is adaptive Gauss-Hermite with 3 nodes, centred at each user's mode and scaled
    /// by the posterior sd (a parabola through the 3 log-integrand values) found by the last call
    /// with <paramref name="moveNodes"/>, so it costs 3 user likelihoods. Without moveNodes the
    /// nodes stay where they are and the value is a smooth, repeatable function of the parameters;
    /// call <see cref="ResetSpeedNodes"/> before a new fit. (Fitting every family's curve under
    /// this integral was tried: about 20 times slower, and on fast-forgetting.json the sigmoid
    /// still won by 14 AIC, so the curves are fitted as one curve for all users.)
    /// </summary>
    public double IntegratedTotal(CurveShape shape, double offset, double[] extra, double heterogeneity, bool moveNodes = false)
    {
        var users = Users;
        if (_speedCentre.Length != users)
        {
            ResetSpeedNodes();
        }

        var terms = new double[users];
        System.Threading.Tasks.Parallel.For(0, users, Parallel, u => terms[u] = IntegratedUser(u, shape, offset, extra, heterogeneity, moveNodes));
        var sum = 0.0;
        foreach (var t in terms)
        {
            sum += t;
        }

        return sum;
    }

    /// <summary>Centres the quadrature of every user at the median user with the prior's sd (start of a fit).</summary>
    public void ResetSpeedNodes()
    {
        _speedCentre = new double[Users];
        _speedScale = new double[Users];
    }

    private double[] _speedCentre = [];
    private double[] _speedScale = [];

    private double IntegratedUser(int user, CurveShape shape, double offset, double[] extra, double sigma, bool moveNodes)
    {
        if (_userGroupStart[user] == _userGroupStart[user + 1])
        {
            return 0;
        }

        // The posterior of z is never wider than its prior; a zero scale means "not yet known".
        var scale = _speedScale[user];
        scale = scale > 0 ? Math.Min(scale, sigma) : sigma;
        var centre = Math.Clamp(_speedCentre[user], -4 * sigma, 4 * sigma);
        var step = Math.Sqrt(3) * scale;
        double LogIntegrand(double z) => OfUser(user, shape, z, offset, extra) - (0.5 * z * z / (sigma * sigma));
        var below = LogIntegrand(centre - step);
        var middle = LogIntegrand(centre);
        var above = LogIntegrand(centre + step);

        // Nodes 0 and +-sqrt(3/2) of the Hermite rule: weights 2/3 and 1/6 (of sqrt(pi)) times e^(x^2).
        var a = Math.Log(2.0 / 3.0) + middle;
        var b = Math.Log(1.0 / 6.0) + 1.5 + below;
        var c = Math.Log(1.0 / 6.0) + 1.5 + above;
        var max = Math.Max(a, Math.Max(b, c));
        var logSum = max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max) + Math.Exp(c - max));

        // ln(sqrt(2) s sqrt(pi)) for the change of variable, minus ln(sigma sqrt(2 pi)) of the prior.
        var result = logSum + Math.Log(scale / sigma);

        if (!moveNodes)
        {
            return result;
        }

        var curvature = (above - (2 * middle) + below) / (step * step);
        var slope = (above - below) / (2 * step);
        if (curvature < 0)
        {
            _speedCentre[user] = Math.Clamp(centre - (slope / curvature), centre - (2 * step), centre + (2 * step));
            _speedScale[user] = 1 / Math.Sqrt(-curvature);
        }
        else
        {
            _speedCentre[user] = centre + (Math.Sign(slope) * step);
            _speedScale[user] = scale;
        }

        return result;
    }

    /// <summary>Log-likelihood of one user's groups with the curve slowed by e^logFactor.</summary>
    public double OfUser(int user, CurveShape shape, double logFactor, double offset, double[] extra)
    {
        var scaled = shape.Scaled(Math.Exp(logFactor));
        var sum = 0.0;
        for (var g = _userGroupStart[user]; g < _userGroupStart[user + 1]; g++)
        {
            sum += GroupLogLikelihood(g, scaled, offset, extra);
        }

        return sum;
    }

    /// <summary>
    /// Observed and fitted rates per bin of elapsed time (click rate for impressions, re-engagement
    /// hazard for gaps), for plots of fitted vs observed curves. Bins are [edges[i], edges[i + 1]).
    /// </summary>
    public abstract RateBins Bin(CurveShape shape, double offset, double[] extra, double[] edges, double[]? logFactors = null);

    protected int UserGroupStart(int user) => _userGroupStart[user];

    protected int UserGroupEnd(int user) => _userGroupStart[user + 1];

    /// <summary>Index of the bin holding x, or -1 outside the edges.</summary>
    protected static int BinOf(double[] edges, double x)
    {
        if (x < edges[0] || x >= edges[^1])
        {
            return -1;
        }

        var i = Array.BinarySearch(edges, x);
        return i >= 0 ? i : ~i - 1;
    }
}

/// <summary>Per bin of elapsed time: the observed rate, the fitted rate and the weight (rows or time at risk) behind them.</summary>
public sealed record RateBins(double[] Edges, double[] Observed, double[] Fitted, double[] Weight);
