namespace Simulator.Core.Fitting;

/// <summary>
/// How the default session gap was chosen from a log's gaps between consecutive engagements of a
/// history (any topic): a two-component Gaussian mixture on the log of the gaps.
/// </summary>
/// <param name="Gap">The chosen session gap in log units; 0 when the log has no burst mode (no sessions).</param>
/// <param name="Gaps">Positive gaps between consecutive engagements that the choice looked at.</param>
/// <param name="ShortWeight">Share of those gaps in the shorter component (the bursts).</param>
/// <param name="ShortMedian">Median of the shorter component (e^mean of its log), log units.</param>
/// <param name="LongMedian">Median of the longer component, log units.</param>
/// <param name="ValleyRatio">Mixture density at the gap over the density at the shorter median (below 1/2: a real valley).</param>
/// <param name="Outcome">Why the gap was chosen, or why there are no sessions.</param>
public sealed record SessionGapChoice(double Gap, int Gaps, double ShortWeight, double ShortMedian, double LongMedian, double ValleyRatio, SessionGapOutcome Outcome);

/// <summary>What <see cref="Sessions.ChooseGap"/> found.</summary>
public enum SessionGapOutcome
{
    /// <summary>A burst mode with a valley: the gap is where bursts and returns are equally likely.</summary>
    Chosen,

    /// <summary>An impression log (export): one slate per tick, no sessions.</summary>
    ImpressionLog,

    /// <summary>Fewer than <see cref="Sessions.MinGaps"/> positive gaps between consecutive engagements.</summary>
    TooFewGaps,

    /// <summary>The shorter component is too small or too close to the longer one to be bursts.</summary>
    NoBurstMode,

    /// <summary>The mixture has no valley between the two components' medians.</summary>
    NoValley,
}

/// <summary>
/// Sessions: engagements of a history closer together than the session gap are one sitting (a user
/// who rates five films in ten minutes), and a sitting says nothing about forgetting. Before the gap
/// likelihood sees the log, each session becomes one engagement per topic it touched, at that
/// topic's first engagement in the session.
/// A session is a maximal run of a history's engagements (any topic) whose consecutive times are
/// less than the gap apart. Consecutive engagements of one topic that survive are then at least the
/// gap apart, which is what <see cref="GapLikelihood"/>'s dead time assumes.
/// </summary>
public static class Sessions
{
    /// <summary>The shorter component must hold at least this share of the gaps to be taken for bursts.</summary>
    public const double MinShortWeight = 0.05;

    /// <summary>The two components' medians must be at least this factor apart (bursts of minutes vs returns after hours or days).</summary>
    public const double MinSeparation = 30;

    /// <summary>The mixture density at the chosen gap must be below this share of the density at the bursts' median (a valley between two modes).</summary>
    public const double MaxValleyRatio = 0.5;

    /// <summary>Fewer positive gaps than this: no sessions (too few to see two modes).</summary>
    public const int MinGaps = 50;

    /// <summary>
    /// The default session gap of an engagement log. The logs of the gaps between consecutive
    /// engagements of each history (any topic; zero gaps left out) are fitted with a two-component
    /// Gaussian mixture (EM on a histogram of 0.05-nat bins). The gap is where the two components
    /// are equally likely, between their medians, when the shorter one holds at least
    /// <see cref="MinShortWeight"/> of the gaps, its median is at least <see cref="MinSeparation"/>
    /// times shorter than the longer one's, and the density there is below
    /// <see cref="MaxValleyRatio"/> of the density at the shorter median; otherwise 0 (no sessions).
    /// Impression logs (exports) have one slate per tick and get 0.
    /// </summary>
    public static SessionGapChoice ChooseGap(InteractionLog log, CancellationToken cancel = default)
    {
        if (log.HasImpressions)
        {
            return new SessionGapChoice(0, 0, 0, double.NaN, double.NaN, double.NaN, SessionGapOutcome.ImpressionLog);
        }

        var logs = new List<double>();
        var order = log.SortedRows();
        var history = log.History;
        var time = log.Time;
        var clicked = log.Clicked;
        var previousHistory = -1;
        var previous = double.NaN;
        for (var i = 0; i < order.Length; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            var r = order[i];
            if (!clicked[r])
            {
                continue;
            }

            if (history[r] == previousHistory && time[r] > previous)
            {
                logs.Add(Math.Log(time[r] - previous));
            }

            previousHistory = history[r];
            previous = time[r];
        }

        if (logs.Count < MinGaps)
        {
            return new SessionGapChoice(0, logs.Count, 0, double.NaN, double.NaN, double.NaN, SessionGapOutcome.TooFewGaps);
        }

        var (w, m1, s1, m2, s2) = FitMixture(logs);
        var shortMedian = Math.Exp(m1);
        var longMedian = Math.Exp(m2);
        if (w < MinShortWeight || m2 - m1 < Math.Log(MinSeparation))
        {
            return new SessionGapChoice(0, logs.Count, w, shortMedian, longMedian, double.NaN, SessionGapOutcome.NoBurstMode);
        }

        // Equal weighted densities between the two means: bisection on the log-density difference.
        double Difference(double x) => LogDensity(x, w, m1, s1) - LogDensity(x, 1 - w, m2, s2);
        double lo = m1, hi = m2;
        if (Difference(lo) <= 0 || Difference(hi) >= 0)
        {
            return new SessionGapChoice(0, logs.Count, w, shortMedian, longMedian, double.NaN, SessionGapOutcome.NoValley);
        }

        for (var k = 0; k < 100; k++)
        {
            var mid = (lo + hi) / 2;
            if (Difference(mid) > 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var boundary = (lo + hi) / 2;
        double Density(double x) => Math.Exp(LogDensity(x, w, m1, s1)) + Math.Exp(LogDensity(x, 1 - w, m2, s2));
        var valley = Density(boundary) / Density(m1);
        if (valley >= MaxValleyRatio)
        {
            return new SessionGapChoice(0, logs.Count, w, shortMedian, longMedian, valley, SessionGapOutcome.NoValley);
        }

        return new SessionGapChoice(Math.Exp(boundary), logs.Count, w, shortMedian, longMedian, valley, SessionGapOutcome.Chosen);
    }

    /// <summary>
    /// The log with each session of each history collapsed to one engagement per topic (at that
    /// topic's first engagement in the session); <paramref name="merged"/> counts the engagements
    /// removed. A gap of 0 returns the log itself. Impression logs are returned unchanged.
    /// </summary>
    public static InteractionLog Collapse(InteractionLog log, double gap, out int merged, CancellationToken cancel = default)
    {
        merged = 0;
        if (gap <= 0 || log.HasImpressions)
        {
            return log;
        }

        var result = new InteractionLog { HasImpressions = false, Origin = log.Origin, HasQuality = log.HasQuality };
        for (var h = 0; h < log.Histories; h++)
        {
            result.AddHistory(log.UserOf(h));
        }

        var order = log.SortedRows();
        var history = log.History;
        var topic = log.Topic;
        var time = log.Time;
        var clicked = log.Clicked;
        var seen = new HashSet<int>();
        var previousHistory = -1;
        var previous = double.NegativeInfinity;
        for (var i = 0; i < order.Length; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            var r = order[i];
            if (!clicked[r])
            {
                result.Add(history[r], topic[r], time[r], log.Position[r], false, log.Quality[r]);
                continue;
            }

            if (history[r] != previousHistory || time[r] - previous >= gap)
            {
                seen.Clear();
            }

            previousHistory = history[r];
            previous = time[r];
            if (seen.Add(topic[r]))
            {
                result.Add(history[r], topic[r], time[r], log.Position[r], true, log.Quality[r]);
            }
            else
            {
                merged++;
            }
        }

        return result;
    }

    private static double LogDensity(double x, double weight, double mean, double sd) =>
        Math.Log(weight) - Math.Log(sd) - (0.5 * Math.Log(2 * Math.PI)) - (0.5 * (x - mean) * (x - mean) / (sd * sd));

    /// <summary>Two-component Gaussian mixture by EM on a histogram of the values; component 1 is the one with the lower mean.</summary>
    private static (double Weight, double Mean1, double Sd1, double Mean2, double Sd2) FitMixture(List<double> values)
    {
        const double width = 0.05;
        values.Sort();
        var lo = values[0];
        var bins = (int)Math.Floor((values[^1] - lo) / width) + 1;
        var counts = new double[bins];
        foreach (var v in values)
        {
            counts[(int)Math.Floor((v - lo) / width)]++;
        }

        var centres = Enumerable.Range(0, bins).Select(b => lo + ((b + 0.5) * width)).ToArray();
        var n = (double)values.Count;
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / n);
        const double floor = 0.1;
        double w = 0.3, m1 = values[(int)(0.1 * (values.Count - 1))], m2 = values[(int)(0.7 * (values.Count - 1))];
        double s1 = Math.Max(sd / 2, floor), s2 = Math.Max(sd / 2, floor);
        var r1 = new double[bins];
        for (var iteration = 0; iteration < 500; iteration++)
        {
            for (var b = 0; b < bins; b++)
            {
                var a = LogDensity(centres[b], w, m1, s1);
                var c = LogDensity(centres[b], 1 - w, m2, s2);
                var max = Math.Max(a, c);
                var ea = Math.Exp(a - max);
                r1[b] = ea / (ea + Math.Exp(c - max));
            }

            double n1 = 0, sum1 = 0, sum2 = 0;
            for (var b = 0; b < bins; b++)
            {
                n1 += counts[b] * r1[b];
                sum1 += counts[b] * r1[b] * centres[b];
                sum2 += counts[b] * (1 - r1[b]) * centres[b];
            }

            var n2 = n - n1;
            if (n1 < 1e-9 || n2 < 1e-9)
            {
                break;
            }

            var nm1 = sum1 / n1;
            var nm2 = sum2 / n2;
            double v1 = 0, v2 = 0;
            for (var b = 0; b < bins; b++)
            {
                v1 += counts[b] * r1[b] * (centres[b] - nm1) * (centres[b] - nm1);
                v2 += counts[b] * (1 - r1[b]) * (centres[b] - nm2) * (centres[b] - nm2);
            }

            var change = Math.Abs(nm1 - m1) + Math.Abs(nm2 - m2) + Math.Abs((n1 / n) - w);
            (w, m1, m2) = (n1 / n, nm1, nm2);
            s1 = Math.Max(Math.Sqrt(v1 / n1), floor);
            s2 = Math.Max(Math.Sqrt(v2 / n2), floor);
            if (change < 1e-10)
            {
                break;
            }
        }

        return m1 <= m2 ? (w, m1, s1, m2, s2) : (1 - w, m2, s2, m1, s1);
    }
}
