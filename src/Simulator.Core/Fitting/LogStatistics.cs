using Simulator.Core.Statistics;

namespace Simulator.Core.Fitting;

/// <summary>Re-engagement gaps of one topic: how long histories take to come back to it.</summary>
public sealed record TopicGaps(int Topic, int Count, double Mean, double Median, double Percentile90);

/// <summary>
/// Descriptive statistics of a log that the forgetting fit does not cover: activity, drift and the
/// re-engagement gap distribution per topic (the distribution a calibrated scenario must reproduce).
/// </summary>
public sealed record LogStatistics(
    int Rows,
    int Engagements,
    int Users,
    int Histories,
    int Topics,
    double Duration,
    double ActivityRate,
    double EngagementsPerUserPerUnit,
    double DriftHalves,
    double DriftBaseline,
    int DriftUsers,
    double[] Gaps,
    IReadOnlyList<TopicGaps> TopicGaps)
{
    /// <summary>Users with at least this many engagements enter the drift indicator.</summary>
    public const int MinDriftEngagements = 10;

    /// <summary>Drift beyond sampling noise: topic divergence between halves minus between interleaved halves.</summary>
    public double DriftIndicator => DriftHalves - DriftBaseline;

    /// <summary>
    /// Drift indicator (bits) above which the fit's curve is likely biased fast. Both likelihoods
    /// hold each history's interest in a topic fixed, so interest that moves away from a topic
    /// reads as forgetting. Measured on quickstart.json exports (2,000 users x 60 ticks, random
    /// slates, sigmoid truth with median midpoint 10): stationary 0.034 (midpoint -12%), abrupt
    /// rate 0.005 shift 0.5 0.036 (-16%), Ornstein-Uhlenbeck 0.054 (-21%), gradual 0.061 (-29%),
    /// quickstart's own abrupt drift 0.137 (-38%); stationary fast-forgetting exports 0.0125-0.027.
    /// </summary>
    public const double DriftCaution = 0.05;

    /// <summary>Whether the drift indicator is above <see cref="DriftCaution"/> (false when no user had enough engagements).</summary>
    public bool DriftLikelyBiasesTheCurve => DriftIndicator > DriftCaution;

    /// <summary>Users with fewer than two engagements: they tell nothing about forgetting.</summary>
    public int UsersWithFewerThanTwoEngagements { get; init; }

    /// <summary>Ticks (whole time units from the log's first time) that the log spans; the denominator of <see cref="ActivityRate"/>.</summary>
    public long Ticks { get; init; }

    /// <summary>Share of users with fewer than two engagements above which the summary warns.</summary>
    public const double SparseUsersWarning = 0.5;

    /// <summary>
    /// Computes the statistics. Activity: the mean over histories of the share of the log's ticks
    /// (whole time units counted from the log's first time: ticks for exports, days or the --unit
    /// for real logs) in which the history has any row, over the whole span of the log for every
    /// history. A user seen once in an 18-day log is active in 1/18 of its days, as a simulated user
    /// with that activity would be; users never seen are not counted, so a log that is short
    /// against 1 / activity reads slightly high. (The share of days between a history's own first
    /// and last rows, the estimator before, counted every one-rating user as active 100% of the time.)
    /// Drift: per user, the Jensen-Shannon
    /// divergence (bits) between the topic distributions of the first and second half of its
    /// engagements, and of its odd and even engagements, the latter measuring sampling noise alone.
    /// Gaps: time between consecutive engagements of a history with the same topic.
    /// </summary>
    public static LogStatistics Compute(InteractionLog log, double unit = 1, CancellationToken cancel = default)
    {
        var order = log.SortedRows();
        var (first, last) = log.Span();
        var history = log.History;
        var topic = log.Topic;
        var time = log.Time;
        var clicked = log.Clicked;
        var gaps = new List<double>();
        var gapsByTopic = new Dictionary<int, List<double>>();
        var activeShares = new List<double>();
        var halves = new List<double>();
        var baseline = new List<double>();
        var engagementsOfUser = new Dictionary<int, List<int>>();
        var lastByTopic = new Dictionary<int, double>();
        var engagements = 0;
        var span = Math.Floor(last / unit) - Math.Floor(first / unit) + 1;
        var i = 0;
        while (i < order.Length)
        {
            var h = history[order[i]];
            lastByTopic.Clear();
            var lastUnit = long.MinValue;
            var units = 0;
            if (!engagementsOfUser.TryGetValue(log.UserOf(h), out var topics))
            {
                topics = [];
                engagementsOfUser[log.UserOf(h)] = topics;
            }

            for (; i < order.Length && history[order[i]] == h; i++)
            {
                var r = order[i];
                if ((i & 0xFFFF) == 0)
                {
                    cancel.ThrowIfCancellationRequested();
                }

                // Rows of a history are in time order, so a new unit is one above the last seen.
                var at = (long)Math.Floor(time[r] / unit);
                if (at != lastUnit)
                {
                    units++;
                    lastUnit = at;
                }
                if (!clicked[r])
                {
                    continue;
                }

                engagements++;
                topics.Add(topic[r]);
                if (lastByTopic.TryGetValue(topic[r], out var previous) && time[r] > previous)
                {
                    var gap = time[r] - previous;
                    gaps.Add(gap);
                    if (!gapsByTopic.TryGetValue(topic[r], out var list))
                    {
                        list = [];
                        gapsByTopic[topic[r]] = list;
                    }

                    list.Add(gap);
                }

                lastByTopic[topic[r]] = time[r];
            }

            activeShares.Add(units / span);
        }

        foreach (var (_, topics) in engagementsOfUser.OrderBy(p => p.Key))
        {
            if (topics.Count < MinDriftEngagements)
            {
                continue;
            }

            var half = topics.Count / 2;
            halves.Add(JensenShannon(topics.Take(half), topics.Skip(half)));
            baseline.Add(JensenShannon(topics.Where((_, k) => k % 2 == 0), topics.Where((_, k) => k % 2 == 1)));
        }

        var perTopic = gapsByTopic.OrderBy(p => p.Key).Select(p =>
        {
            var sorted = p.Value.Order().ToArray();
            return new TopicGaps(p.Key, sorted.Length, sorted.Average(), Quantiles.OfSorted(sorted, 0.5), Quantiles.OfSorted(sorted, 0.9));
        }).ToArray();
        var duration = last - first;
        var sparse = 0;
        var engagementsPerUser = new int[log.Users];
        foreach (var (user, topics) in engagementsOfUser)
        {
            engagementsPerUser[user] = topics.Count;
        }

        foreach (var count in engagementsPerUser)
        {
            sparse += count < 2 ? 1 : 0;
        }

        return new LogStatistics(
            log.Count,
            engagements,
            log.Users,
            log.Histories,
            log.Topics,
            duration,
            activeShares.Count > 0 ? activeShares.Average() : 0,
            duration > 0 && log.Users > 0 ? engagements / (double)log.Users / (duration / unit) : 0,
            halves.Count > 0 ? halves.Average() : double.NaN,
            baseline.Count > 0 ? baseline.Average() : double.NaN,
            halves.Count,
            [.. gaps.Order()],
            perTopic)
        {
            UsersWithFewerThanTwoEngagements = sparse,
            Ticks = (long)span,
        };
    }

    /// <summary>Jensen-Shannon divergence in bits between the empirical distributions of two samples of topics.</summary>
    public static double JensenShannon(IEnumerable<int> a, IEnumerable<int> b)
    {
        var ca = a.GroupBy(x => x).ToDictionary(g => g.Key, g => (double)g.Count());
        var cb = b.GroupBy(x => x).ToDictionary(g => g.Key, g => (double)g.Count());
        var na = ca.Values.Sum();
        var nb = cb.Values.Sum();
        var js = 0.0;
        foreach (var key in ca.Keys.Union(cb.Keys))
        {
            var p = ca.GetValueOrDefault(key) / na;
            var q = cb.GetValueOrDefault(key) / nb;
            var m = (p + q) / 2;
            js += (p > 0 ? 0.5 * p * Math.Log2(p / m) : 0) + (q > 0 ? 0.5 * q * Math.Log2(q / m) : 0);
        }

        return js;
    }
}
