namespace Simulator.Core.Fitting;

/// <summary>
/// Likelihood for impression logs (the simulator's export: every shown item with its slate
/// position and whether it was clicked). In the simulator the true interest in topic g is
/// preference_g x (b + (peak - b) R(dt)), and the click logit is linear in that interest, so an
/// impression of a topic-g item at slate position j is modelled as
///   logit P(click) = c + gamma j + s_ug (o + R(dt)),
/// where dt is the time since the history last clicked topic g (or since the log's origin), o =
/// b / (1 - b) is the baseline offset, and s_ug (the user's preference for g times the interest
/// weight) is a per history x topic slope profiled out by Newton's method. Giving every history x
/// topic its own slope matters: topics a user likes are clicked more often, so they have short dt
/// and high click rates; a shared slope would mistake preference for fast forgetting. A weak
/// normal prior (sd <see cref="SlopePriorSd"/>, centred on a shared mean) keeps slopes finite for
/// topics with no clicks and shrinks noisy groups.
/// </summary>
public sealed class ImpressionLikelihood : ForgettingLikelihood
{
    /// <summary>Prior sd of the per-group slope around the shared mean slope.</summary>
    public const double SlopePriorSd = 2.0;

    private const double PriorPrecision = 1.0 / (SlopePriorSd * SlopePriorSd);
    private readonly double[] _dt;
    private readonly short[] _position;
    private readonly bool[] _clicked;
    private readonly double[] _slope;
    private readonly int[] _userClicks;

    private ImpressionLikelihood(int[] groupStart, int[] groupUser, int users, double[] dt, short[] position, bool[] clicked, int[] userClicks, double typical)
        : base(groupStart, groupUser, users)
    {
        _dt = dt;
        _position = position;
        _clicked = clicked;
        _slope = new double[groupStart.Length - 1];
        _userClicks = userClicks;
        TypicalTime = typical;
    }

    public override int ExtraParameters => 3;

    /// <summary>Intercept c, position slope gamma, mean per-group slope.</summary>
    public override double[] InitialExtra => [-2.5, -0.1, 2.0];

    public override double TypicalTime { get; }

    public override string Kind => "impressions (click logit per history x topic)";

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
        var end = RowEnd(group);
        var n = end - start;
        Span<double> x = n <= 512 ? stackalloc double[n] : new double[n];
        Span<double> fixedPart = n <= 512 ? stackalloc double[n] : new double[n];
        for (var r = 0; r < n; r++)
        {
            x[r] = offset + shape.Retention(_dt[start + r]);
            fixedPart[r] = extra[0] + (extra[1] * _position[start + r]);
        }

        var mean = extra[2];
        var s = _slope[group];
        for (var iteration = 0; iteration < 30; iteration++)
        {
            var gradient = -(s - mean) * PriorPrecision;
            var curvature = -PriorPrecision;
            for (var r = 0; r < n; r++)
            {
                var p = Logistic(fixedPart[r] + (s * x[r]));
                gradient += ((_clicked[start + r] ? 1 : 0) - p) * x[r];
                curvature -= p * (1 - p) * x[r] * x[r];
            }

            var step = Math.Clamp(-gradient / curvature, -4, 4);
            s -= step;
            if (Math.Abs(step) < 1e-9)
            {
                break;
            }
        }

        _slope[group] = s;
        var ll = -0.5 * (s - mean) * (s - mean) * PriorPrecision;
        for (var r = 0; r < n; r++)
        {
            var eta = fixedPart[r] + (s * x[r]);
            ll += (_clicked[start + r] ? eta : 0) - CurveShape.Softplus(eta);
        }

        return ll;
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

                    var eta = extra[0] + (extra[1] * _position[r]) + (_slope[g] * (offset + userShape.Retention(_dt[r])));
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
