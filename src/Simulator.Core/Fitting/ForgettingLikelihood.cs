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

    /// <summary>
    /// The shortest positive and the longest elapsed time the log shows (re-engagement gaps, or
    /// times since a topic's last click at an impression): the span of the fit figure's time axis.
    /// </summary>
    public abstract (double Min, double Max) ObservedElapsed { get; }

    /// <summary>Short name of the likelihood for reports.</summary>
    public abstract string Kind { get; }

    /// <summary>Engagements (clicks or re-engagements) that carry information about a user's curve.</summary>
    public abstract int EventsOfUser(int user);

    protected int RowStart(int group) => _groupStart[group];

    protected int RowEnd(int group) => _groupStart[group + 1];

    /// <summary>
    /// Log-likelihood of one group at its profiled nuisance value. <paramref name="slot"/> names
    /// which of the group's remembered nuisance modes a likelihood that solves for them starts from
    /// (0 for the population's curve; the speed integral's outer nodes use 1 and 2, so each node
    /// starts from its own last mode).
    /// </summary>
    protected abstract double GroupLogLikelihood(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra, int slot = 0);

    /// <summary>Total log-likelihood: every group, curve scaled per user by <paramref name="logFactors"/> when given.</summary>
    public double Total(CurveShape shape, double offset, double[] extra, double[]? logFactors = null) => Total(shape, offset, extra, logFactors, 1);

    /// <summary>
    /// Total log-likelihood of every <paramref name="userStride"/>-th user's groups (users 0,
    /// stride, 2 stride, ...): a deterministic subsample for cheap searches such as the grid start.
    /// </summary>
    public double Total(CurveShape shape, double offset, double[] extra, double[]? logFactors, int userStride)
    {
        var users = (Users + userStride - 1) / userStride;
        var terms = new double[users];
        System.Threading.Tasks.Parallel.For(0, users, Parallel, i =>
        {
            var u = i * userStride;
            var userShape = logFactors is null ? shape : shape.Scaled(Math.Exp(logFactors[u]));
            var sum = 0.0;
            for (var g = _userGroupStart[u]; g < _userGroupStart[u + 1]; g++)
            {
                sum += GroupLogLikelihood(g, userShape, offset, extra);
            }

            terms[i] = sum;
        });
        var total = 0.0;
        foreach (var t in terms)
        {
            total += t;
        }

        return total;
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
        double LogIntegrand(double z, int slot) => OfUser(user, shape, z, offset, extra, slot) - (0.5 * z * z / (sigma * sigma));
        var below = LogIntegrand(centre - step, 1);
        var middle = LogIntegrand(centre, 0);
        var above = LogIntegrand(centre + step, 2);

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
    public double OfUser(int user, CurveShape shape, double logFactor, double offset, double[] extra, int slot = 0)
    {
        var scaled = shape.Scaled(Math.Exp(logFactor));
        var sum = 0.0;
        for (var g = _userGroupStart[user]; g < _userGroupStart[user + 1]; g++)
        {
            sum += GroupLogLikelihood(g, scaled, offset, extra, slot);
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

/// <summary>What a <see cref="RateBins"/> rate is: a hazard (events per time at risk) or a proportion (clicks per impression).</summary>
public enum RateKind
{
    Hazard,
    Proportion,
}

/// <summary>
/// Per bin of elapsed time: the observed rate, the fitted rate and the weight (rows or time at
/// risk) behind them, with the observed rate's 95% interval (exact Poisson for a hazard, Wilson
/// for a proportion) and the event count. Empty bins hold NaN.
/// </summary>
public sealed record RateBins(double[] Edges, double[] Observed, double[] Fitted, double[] Weight)
{
    /// <summary>Events (re-engagements or clicks) per bin.</summary>
    public double[] Events { get; init; } = [];

    /// <summary>Lower end of the observed rate's 95% interval.</summary>
    public double[] Lower { get; init; } = [];

    /// <summary>Upper end of the observed rate's 95% interval.</summary>
    public double[] Upper { get; init; } = [];

    /// <summary>Rates from per-bin event counts, summed fitted expectations and weights.</summary>
    public static RateBins Rates(double[] edges, double[] events, double[] fittedSum, double[] weight, RateKind kind)
    {
        var bins = events.Length;
        var observed = new double[bins];
        var fitted = new double[bins];
        var lower = new double[bins];
        var upper = new double[bins];
        for (var b = 0; b < bins; b++)
        {
            if (weight[b] <= 0)
            {
                observed[b] = fitted[b] = lower[b] = upper[b] = double.NaN;
                continue;
            }

            observed[b] = events[b] / weight[b];
            fitted[b] = fittedSum[b] / weight[b];
            if (kind == RateKind.Hazard)
            {
                // Garwood's exact interval for a Poisson count, per unit of time at risk.
                lower[b] = events[b] > 0 ? MathNet.Numerics.Distributions.ChiSquared.InvCDF(2 * events[b], 0.025) / 2 / weight[b] : 0;
                upper[b] = MathNet.Numerics.Distributions.ChiSquared.InvCDF((2 * events[b]) + 2, 0.975) / 2 / weight[b];
            }
            else
            {
                const double z = 1.959963984540054;
                var n = weight[b];
                var p = observed[b];
                var centre = (p + (z * z / (2 * n))) / (1 + (z * z / n));
                var half = z / (1 + (z * z / n)) * Math.Sqrt((p * (1 - p) / n) + (z * z / (4 * n * n)));
                lower[b] = Math.Max(0, centre - half);
                upper[b] = Math.Min(1, centre + half);
            }
        }

        return new RateBins(edges, observed, fitted, weight) { Events = events, Lower = lower, Upper = upper };
    }
}
