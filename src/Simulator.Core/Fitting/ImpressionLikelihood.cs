namespace Simulator.Core.Fitting;

/// <summary>
/// Likelihood for impression logs (the simulator's export: every shown item with its slate
/// position and whether it was clicked). In the simulator the true interest in topic g is
/// preference_g x (b + (peak - b) R(dt)), and the click logit is linear in that interest, so an
/// impression of a topic-g item at slate position j is modelled as
///   logit P(click) = a_ug + gamma j + s_ug R(dt),
/// where dt is the time since the history last clicked topic g (or since the log's origin), and
/// the intercept a_ug (baseline interest, no-click utility) and slope s_ug (preference for g times
/// the interest weight) belong to each history x topic and are profiled out by a two-parameter
/// Newton solve. Giving every history x topic its own intercept and slope matters: topics a user
/// likes are clicked more often, so they have short dt and high click rates; shared values would
/// mistake preference for fast forgetting. Weak normal priors (sd <see cref="PriorSd"/>) keep the
/// pair finite for topics without clicks. gamma, the log position decay, is estimated once from
/// the pooled data. What remains for the outer search is the curve's shape alone; the baseline is
/// absorbed in the intercepts, so this likelihood does not estimate it.
/// </summary>
public sealed class ImpressionLikelihood : ForgettingLikelihood
{
    /// <summary>Prior sd of the per-group intercept and slope around their pooled centres.</summary>
    public const double PriorSd = 3.0;

    private const double PriorPrecision = 1.0 / (PriorSd * PriorSd);
    private readonly double[] _dt;
    private readonly short[] _position;
    private readonly bool[] _clicked;
    private readonly double[] _intercept;
    private readonly double[] _slope;
    private readonly int[] _userClicks;
    private readonly double _gamma;
    private readonly double _pooledIntercept;

    private ImpressionLikelihood(int[] groupStart, int[] groupUser, int users, double[] dt, short[] position, bool[] clicked, int[] userClicks, double typical)
        : base(groupStart, groupUser, users)
    {
        _dt = dt;
        _position = position;
        _clicked = clicked;
        _intercept = new double[groupStart.Length - 1];
        _slope = new double[groupStart.Length - 1];
        _userClicks = userClicks;
        TypicalTime = typical;
        (_pooledIntercept, _gamma) = PooledPositionModel(position, clicked);
        Array.Fill(_intercept, _pooledIntercept);
    }

    public override int ExtraParameters => 0;

    public override bool HasOffset => false;

    public override double[] InitialExtra => [];

    public override double TypicalTime { get; }

    public override string Kind => "impressions (click logit with intercept and slope per history x topic)";

    /// <summary>Log position decay per slate position, estimated from the pooled data.</summary>
    public double PositionSlope => _gamma;

    public override int EventsOfUser(int user) => _userClicks[user];

    /// <summary>
    /// Builds the groups: walks each history in time order, keeping per topic the time of the last
    /// click (initially the log's origin, as the simulator starts every topic engaged at tick 0);
    /// clicks update it only after all impressions of that time step, as the simulator reinforces
    /// after the response.
    /// </summary>
    public static ImpressionLikelihood Build(InteractionLog log)
    {
        var order = log.SortedRows();
        var history = log.History;
        var topic = log.Topic;
        var time = log.Time;
        var position = log.Position;
        var clicked = log.Clicked;
        var dt = new double[order.Length];
        var pos = new short[order.Length];
        var y = new bool[order.Length];
        var groupStart = new List<int> { 0 };
        var groupUser = new List<int>();
        var userClicks = new int[log.Users];
        var lastClick = new Dictionary<int, double>();
        var rowsByTopic = new SortedDictionary<int, List<(double Dt, short Position, bool Clicked)>>();
        var written = 0;
        var i = 0;
        while (i < order.Length)
        {
            var h = history[order[i]];
            lastClick.Clear();
            foreach (var list in rowsByTopic.Values)
            {
                list.Clear();
            }

            while (i < order.Length && history[order[i]] == h)
            {
                var t = time[order[i]];
                var stepStart = i;
                for (; i < order.Length && history[order[i]] == h && time[order[i]] == t; i++)
                {
                    var r = order[i];
                    var last = lastClick.TryGetValue(topic[r], out var l) ? l : log.Origin;
                    if (!rowsByTopic.TryGetValue(topic[r], out var rows))
                    {
                        rows = [];
                        rowsByTopic[topic[r]] = rows;
                    }

                    rows.Add((t - last, position[r], clicked[r]));
                }

                for (var j = stepStart; j < i; j++)
                {
                    if (clicked[order[j]])
                    {
                        lastClick[topic[order[j]]] = t;
                        userClicks[log.UserOf(h)]++;
                    }
                }
            }

            foreach (var rows in rowsByTopic.Values)
            {
                if (rows.Count == 0)
                {
                    continue;
                }

                foreach (var (d, p, c) in rows)
                {
                    dt[written] = d;
                    pos[written] = Math.Max((short)0, p);
                    y[written] = c;
                    written++;
                }

                groupStart.Add(written);
                groupUser.Add(log.UserOf(h));
            }
        }

        var sorted = dt.ToArray();
        Array.Sort(sorted);
        var typical = sorted.Length > 0 ? Math.Max(sorted[sorted.Length / 2], 1e-6) : 1;
        return new ImpressionLikelihood([.. groupStart], [.. groupUser], log.Users, dt, pos, y, userClicks, typical);
    }

    protected override double GroupLogLikelihood(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra)
    {
        var start = RowStart(group);
        var n = RowEnd(group) - start;
        Span<double> x = n <= 512 ? stackalloc double[n] : new double[n];
        for (var r = 0; r < n; r++)
        {
            x[r] = shape.Retention(_dt[start + r]);
        }

        var a = _intercept[group];
        var s = _slope[group];
        for (var iteration = 0; iteration < 40; iteration++)
        {
            // Gradient and Hessian of the penalised log-likelihood in (a, s).
            var ga = -(a - _pooledIntercept) * PriorPrecision;
            var gs = -s * PriorPrecision;
            var haa = -PriorPrecision;
            var has = 0.0;
            var hss = -PriorPrecision;
            for (var r = 0; r < n; r++)
            {
                var p = Logistic(a + (_gamma * _position[start + r]) + (s * x[r]));
                var residual = (_clicked[start + r] ? 1 : 0) - p;
                var w = p * (1 - p);
                ga += residual;
                gs += residual * x[r];
                haa -= w;
                has -= w * x[r];
                hss -= w * x[r] * x[r];
            }

            var det = (haa * hss) - (has * has);
            var da = Math.Clamp(-((hss * ga) - (has * gs)) / det, -3, 3);
            var ds = Math.Clamp(-((haa * gs) - (has * ga)) / det, -3, 3);
            a += da;
            s += ds;
            if (Math.Abs(da) + Math.Abs(ds) < 1e-9)
            {
                break;
            }
        }

        _intercept[group] = a;
        _slope[group] = s;
        var ll = -0.5 * (((a - _pooledIntercept) * (a - _pooledIntercept)) + (s * s)) * PriorPrecision;
        for (var r = 0; r < n; r++)
        {
            var eta = a + (_gamma * _position[start + r]) + (s * x[r]);
            ll += (_clicked[start + r] ? eta : 0) - CurveShape.Softplus(eta);
        }

        return ll;
    }

    /// <summary>Pooled logit P(click) = a + gamma j by Newton's method: the position decay shared by every group.</summary>
    private static (double Intercept, double Gamma) PooledPositionModel(short[] position, bool[] clicked)
    {
        var maxPosition = position.Length > 0 ? position.Max() : 0;
        var shown = new double[maxPosition + 1];
        var clicks = new double[maxPosition + 1];
        for (var r = 0; r < position.Length; r++)
        {
            shown[position[r]]++;
            clicks[position[r]] += clicked[r] ? 1 : 0;
        }

        var total = shown.Sum();
        var a = Math.Log((clicks.Sum() + 0.5) / (total - clicks.Sum() + 0.5));
        var gamma = 0.0;
        for (var iteration = 0; iteration < 50 && maxPosition > 0; iteration++)
        {
            double ga = 0, gg = 0, haa = 0, hag = 0, hgg = 0;
            for (var j = 0; j <= maxPosition; j++)
            {
                var p = Logistic(a + (gamma * j));
                var w = shown[j] * p * (1 - p);
                ga += clicks[j] - (shown[j] * p);
                gg += (clicks[j] - (shown[j] * p)) * j;
                haa -= w;
                hag -= w * j;
                hgg -= w * j * j;
            }

            var det = (haa * hgg) - (hag * hag);
            if (det == 0)
            {
                break;
            }

            var da = -((hgg * ga) - (hag * gg)) / det;
            var dg = -((haa * gg) - (hag * ga)) / det;
            a += da;
            gamma += dg;
            if (Math.Abs(da) + Math.Abs(dg) < 1e-10)
            {
                break;
            }
        }

        return (a, gamma);
    }

    public override RateBins Bin(CurveShape shape, double offset, double[] extra, double[] edges, double[]? logFactors = null)
    {
        // Profile the slopes at these parameters first, so fitted rates use them.
        Total(shape, offset, extra, logFactors);
        var bins = edges.Length - 1;
        var observed = new double[bins];
        var fitted = new double[bins];
        var weight = new double[bins];
        for (var u = 0; u < Users; u++)
        {
            var userShape = logFactors is null ? shape : shape.Scaled(Math.Exp(logFactors[u]));
            for (var g = UserGroupStart(u); g < UserGroupEnd(u); g++)
            {
                for (var r = RowStart(g); r < RowEnd(g); r++)
                {
                    var b = BinOf(edges, _dt[r]);
                    if (b < 0)
                    {
                        continue;
                    }

                    var eta = _intercept[g] + (_gamma * _position[r]) + (_slope[g] * userShape.Retention(_dt[r]));
                    observed[b] += _clicked[r] ? 1 : 0;
                    fitted[b] += Logistic(eta);
                    weight[b]++;
                }
            }
        }

        for (var b = 0; b < bins; b++)
        {
            observed[b] = weight[b] > 0 ? observed[b] / weight[b] : double.NaN;
            fitted[b] = weight[b] > 0 ? fitted[b] / weight[b] : double.NaN;
        }

        return new RateBins(edges, observed, fitted, weight);
    }

    private static double Logistic(double eta) => 1 / (1 + Math.Exp(-eta));
}
