namespace Simulator.Core.Fitting;

/// <summary>
/// Likelihood for engagement-only logs (real logs: every row is a click, play or rating). After
/// each engagement with a topic, the history re-engages with it as a Poisson process whose
/// intensity follows the forgetting curve: lambda(dt) = r_ug (o + R(dt)), dt the time since that
/// engagement, o the baseline offset and r_ug the history x topic's own rate. Each interval
/// between consecutive engagements is an event; the interval from the last engagement to the end
/// of the log is right-censored. The per-group rate has a closed-form maximum,
/// r* = events / sum of Lambda(d), so it is profiled out exactly, and the cumulative intensity
/// Lambda(d) = r (o d + integral of R) is analytic (<see cref="CurveShape.Integral"/>).
/// With sessions (<see cref="Sessions"/>), engagements of a topic closer than the session gap G
/// were merged, so no re-engagement can be seen before G: the time at risk of every interval starts
/// at G (the dead time), and Lambda runs from G to d.
/// </summary>
public sealed class GapLikelihood : ForgettingLikelihood
{
    private readonly double[] _duration;
    private readonly bool[] _event;
    private readonly int[] _userEvents;

    private GapLikelihood(int[] groupStart, int[] groupUser, int users, double[] duration, bool[] isEvent, int[] userEvents, double typical, double deadTime, ParallelOptions parallel)
        : base(groupStart, groupUser, users, parallel)
    {
        _duration = duration;
        _event = isEvent;
        _userEvents = userEvents;
        TypicalTime = typical;
        DeadTime = deadTime;
    }

    /// <summary>Time after an engagement during which a re-engagement cannot be seen (the session gap; 0 without sessions).</summary>
    public double DeadTime { get; }

    /// <inheritdoc/>
    public override (double Min, double Max) ObservedElapsed
    {
        get
        {
            double min = double.PositiveInfinity, max = 0;
            for (var r = 0; r < _duration.Length; r++)
            {
                if (_event[r] && _duration[r] > 0)
                {
                    min = Math.Min(min, _duration[r]);
                    max = Math.Max(max, _duration[r]);
                }
            }

            return double.IsFinite(min) ? (min, max) : (TypicalTime, TypicalTime);
        }
    }

    public override int ExtraParameters => 0;

    public override bool HasOffset => true;

    public override double[] InitialExtra => [];

    public override double TypicalTime { get; }

    public override string Kind => "re-engagement gaps (Poisson intensity per history x topic)";

    public override int EventsOfUser(int user) => _userEvents[user];

    /// <summary>
    /// Builds the groups from the log's engagements (clicked rows): engagements of a history with
    /// a topic at the same time count once; intervals end at the next engagement or, censored, at
    /// the end of the log.
    /// </summary>
    public static GapLikelihood Build(InteractionLog log, ParallelOptions parallel, double deadTime = 0)
    {
        var order = log.SortedRows();
        var end = log.Span().Last;
        var history = log.History;
        var topic = log.Topic;
        var time = log.Time;
        var clicked = log.Clicked;
        var duration = new List<double>();
        var isEvent = new List<bool>();
        var groupStart = new List<int> { 0 };
        var groupUser = new List<int>();
        var userEvents = new int[log.Users];
        var engagements = new SortedDictionary<int, List<double>>();
        var i = 0;
        while (i < order.Length)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            var h = history[order[i]];
            foreach (var list in engagements.Values)
            {
                list.Clear();
            }

            for (; i < order.Length && history[order[i]] == h; i++)
            {
                var r = order[i];
                if (!clicked[r])
                {
                    continue;
                }

                if (!engagements.TryGetValue(topic[r], out var times))
                {
                    times = [];
                    engagements[topic[r]] = times;
                }

                if (times.Count == 0 || times[^1] != time[r])
                {
                    times.Add(time[r]);
                }
            }

            foreach (var times in engagements.Values)
            {
                if (times.Count == 0)
                {
                    continue;
                }

                for (var k = 1; k < times.Count; k++)
                {
                    duration.Add(times[k] - times[k - 1]);
                    isEvent.Add(true);
                }

                userEvents[log.UserOf(h)] += times.Count - 1;
                if (end > times[^1])
                {
                    duration.Add(end - times[^1]);
                    isEvent.Add(false);
                }

                groupStart.Add(duration.Count);
                groupUser.Add(log.UserOf(h));
            }
        }

        var gaps = duration.Where((_, k) => isEvent[k]).Order().ToArray();
        var typical = gaps.Length > 0 ? Math.Max(gaps[gaps.Length / 2], 1e-6) : 1;
        return new GapLikelihood([.. groupStart], [.. groupUser], log.Users, [.. duration], [.. isEvent], userEvents, typical, Math.Max(0, deadTime), parallel);
    }

    protected override double GroupLogLikelihood(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra, int slot = 0)
    {
        var events = 0;
        var exposure = 0.0;
        var logIntensity = 0.0;
        var dead = DeadTime;
        var deadIntegral = dead > 0 ? (offset * dead) + shape.Integral(dead) : 0;
        for (var r = RowStart(group); r < RowEnd(group); r++)
        {
            var d = _duration[r];
            exposure += d > dead ? (offset * d) + shape.Integral(d) - deadIntegral : 0;
            if (_event[r])
            {
                events++;
                logIntensity += Math.Log(offset + shape.Retention(d));
            }
        }

        return events == 0 || exposure <= 0 ? 0 : (events * Math.Log(events / exposure)) - events + logIntensity;
    }

    public override RateBins Bin(CurveShape shape, double offset, double[] extra, double[] edges, double[]? logFactors = null)
    {
        var bins = edges.Length - 1;
        var events = new double[bins];
        var fitted = new double[bins];
        var atRisk = new double[bins];
        var dead = DeadTime;
        for (var u = 0; u < Users; u++)
        {
            var s = logFactors is null ? shape : shape.Scaled(Math.Exp(logFactors[u]));
            var deadIntegral = dead > 0 ? (offset * dead) + s.Integral(dead) : 0;
            for (var g = UserGroupStart(u); g < UserGroupEnd(u); g++)
            {
                var count = 0;
                var exposure = 0.0;
                for (var r = RowStart(g); r < RowEnd(g); r++)
                {
                    exposure += _duration[r] > dead ? (offset * _duration[r]) + s.Integral(_duration[r]) - deadIntegral : 0;
                    count += _event[r] ? 1 : 0;
                }

                var rate = exposure > 0 ? count / exposure : 0;
                for (var r = RowStart(g); r < RowEnd(g); r++)
                {
                    var d = _duration[r];
                    if (_event[r] && BinOf(edges, d) is var e and >= 0)
                    {
                        events[e]++;
                    }

                    for (var b = 0; b < bins && edges[b] < d; b++)
                    {
                        var lo = Math.Max(edges[b], dead);
                        var hi = Math.Min(d, edges[b + 1]);
                        if (hi <= lo)
                        {
                            continue;
                        }

                        atRisk[b] += hi - lo;
                        fitted[b] += rate * ((offset * (hi - lo)) + s.Integral(hi) - s.Integral(lo));
                    }
                }
            }
        }

        return RateBins.Rates(edges, events, fitted, atRisk, RateKind.Hazard);
    }
}
