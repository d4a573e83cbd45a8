using Simulator.Core.Results;

namespace Simulator.Core.Statistics;

/// <summary>
/// One seed's response to one population-wide drift event. Time counts ticks since the event
/// tick; an episode that never recovers before the next event (or the run's end) is right-censored
/// at the ticks it was observed for.
/// </summary>
public sealed record RecoveryEpisode(
    double PreLevel, double Minimum, double Depth, double TicksToRecover, bool Recovered, double AreaUnderDegradation);

/// <summary>A strategy's recovery from one event across seeds, with the Kaplan-Meier median time to recover.</summary>
public sealed record RecoveryResult(
    string Strategy,
    int EventTick,
    IReadOnlyList<RecoveryEpisode> Seeds,
    double MeanDepth,
    double MeanAreaUnderDegradation,
    double MedianTicksToRecover,
    int Recovered,
    int Censored);

/// <summary>
/// Drift recovery on a per-tick metric (higher is better, e.g. ndcg@k), per strategy, seed and event e,
/// observed over [e, b) with b the next event or the end of the run:
/// pre-level P = mean over the <see cref="Window"/> ticks before e; depth = P - min over [e, b);
/// time to recover = t - e for the first tick t, at or after the first tick below (1 - eps) P,
/// that is back at or above (1 - eps) P (0 when the metric never fell below); right-censored at
/// b - e when it never gets back; area under degradation = sum over [e, b) of max(0, P - m_t)
/// (metric units x ticks). Across seeds, the median time to recover is the Kaplan-Meier median.
/// </summary>
public static class DriftRecovery
{
    /// <summary>Ticks before the event averaged for the pre-shift level (fewer when the event is early).</summary>
    public const int Window = 5;

    /// <summary>Recovered means back to (1 - Eps) of the pre-shift level.</summary>
    public const double Eps = 0.05;

    /// <summary>One seed's episode for the event at <paramref name="eventTick"/>, observed until <paramref name="end"/> (exclusive); null without a pre-event tick.</summary>
    public static RecoveryEpisode? Episode(IReadOnlyList<double> series, int eventTick, int end)
    {
        var pre = 0.0;
        var n = 0;
        for (var t = Math.Max(0, eventTick - Window); t < eventTick; t++)
        {
            if (!double.IsNaN(series[t]))
            {
                pre += series[t];
                n++;
            }
        }

        if (n == 0 || end <= eventTick)
        {
            return null;
        }

        pre /= n;
        var target = (1 - Eps) * pre;
        var minimum = double.PositiveInfinity;
        var area = 0.0;
        var fell = -1;
        var back = -1;
        for (var t = eventTick; t < end; t++)
        {
            var v = series[t];
            if (double.IsNaN(v))
            {
                continue;
            }

            minimum = Math.Min(minimum, v);
            area += Math.Max(0.0, pre - v);
            if (fell < 0 && v < target)
            {
                fell = t;
            }
            else if (fell >= 0 && back < 0 && v >= target)
            {
                back = t;
            }
        }

        var recovered = fell < 0 || back >= 0;
        var time = fell < 0 ? 0 : back >= 0 ? back - eventTick : end - eventTick;
        return new RecoveryEpisode(pre, minimum, pre - minimum, time, recovered, area);
    }

    /// <summary>
    /// Kaplan-Meier median: S(t) = prod over event times t_j &lt;= t of (1 - d_j / n_j), with n_j
    /// those still at risk (censored observations at t_j count as at risk there); the median is
    /// the smallest event time with S &lt;= 1/2, NaN when S never gets there (too much censoring).
    /// </summary>
    public static double KaplanMeierMedian(IReadOnlyList<(double Time, bool Event)> observations)
    {
        var atRisk = observations.Count;
        var survival = 1.0;
        foreach (var group in observations.GroupBy(o => o.Time).OrderBy(g => g.Key))
        {
            var events = group.Count(o => o.Event);
            if (events > 0)
            {
                survival *= 1.0 - ((double)events / atRisk);
                if (survival <= 0.5)
                {
                    return group.Key;
                }
            }

            atRisk -= group.Count();
        }

        return double.NaN;
    }

    /// <summary>Every strategy's recovery from every event on one metric of the series (strategy order, then event order).</summary>
    public static IReadOnlyList<RecoveryResult> Compute(
        MetricSeries series, IReadOnlyList<string> strategies, int metric, IReadOnlyList<int> eventTicks)
    {
        var result = new List<RecoveryResult>();
        if (metric < 0)
        {
            return result;
        }

        for (var w = 0; w < strategies.Count; w++)
        {
            for (var e = 0; e < eventTicks.Count; e++)
            {
                var end = e + 1 < eventTicks.Count ? eventTicks[e + 1] : series.Ticks;
                var episodes = new List<RecoveryEpisode>();
                for (var s = 0; s < series.Seeds; s++)
                {
                    if (Episode(series.Series(w, s, metric), eventTicks[e], end) is { } episode)
                    {
                        episodes.Add(episode);
                    }
                }

                if (episodes.Count == 0)
                {
                    continue;
                }

                var recovered = episodes.Count(x => x.Recovered);
                result.Add(new RecoveryResult(
                    strategies[w],
                    eventTicks[e],
                    episodes,
                    episodes.Average(x => x.Depth),
                    episodes.Average(x => x.AreaUnderDegradation),
                    KaplanMeierMedian(episodes.Select(x => (x.TicksToRecover, x.Recovered)).ToArray()),
                    recovered,
                    episodes.Count - recovered));
            }
        }

        return result;
    }
}
