namespace Simulator.Core.Metrics;

/// <summary>
/// Pure metrics of forgetting against the true topic strengths w_g (interest = preference x
/// strength, w in [baseline, 1]). A topic is lost when w_g &lt; threshold, held otherwise; the
/// simulator uses threshold = b + <see cref="MetricCatalog.LostFraction"/> (1 - b).
/// </summary>
internal static class ForgettingMetrics
{
    /// <summary>The strength below which a topic counts as lost: b + f (1 - b).</summary>
    public static double LostThreshold(double baseline) => baseline + (MetricCatalog.LostFraction * (1 - baseline));

    /// <summary>
    /// Forgetting error = |{j : w_topic(slate_j) &lt; threshold}| / k: the share of the slate spent on
    /// topics the user has lost. Range [0, 1]: 0 when every slate item is on a held topic.
    /// </summary>
    public static double ForgettingError(ReadOnlySpan<int> slate, ReadOnlySpan<int> topicOf, ReadOnlySpan<double> strength, double threshold)
    {
        if (slate.IsEmpty)
        {
            return 0.0;
        }

        var lost = 0;
        foreach (var item in slate)
        {
            if (strength[topicOf[item]] < threshold)
            {
                lost++;
            }
        }

        return (double)lost / slate.Length;
    }

    /// <summary>
    /// Over-forgetting = |H \ T(slate)| / |H|, H the distinct held topics (w >= threshold) of the
    /// oracle's top-k items and T(slate) the topics of the strategy's slate: the share of still-held
    /// interests the oracle would serve that the strategy dropped. Range [0, 1]; NaN when H is empty.
    /// </summary>
    public static double OverForgetting(
        ReadOnlySpan<int> slate, ReadOnlySpan<int> ideal, ReadOnlySpan<int> topicOf, ReadOnlySpan<double> strength, double threshold)
    {
        var held = 0;
        var dropped = 0;
        for (var j = 0; j < ideal.Length; j++)
        {
            var topic = topicOf[ideal[j]];
            if (strength[topic] < threshold || SeenBefore(ideal, topicOf, j, topic))
            {
                continue;
            }

            held++;
            var covered = false;
            foreach (var item in slate)
            {
                if (topicOf[item] == topic)
                {
                    covered = true;
                    break;
                }
            }

            if (!covered)
            {
                dropped++;
            }
        }

        return held > 0 ? (double)dropped / held : double.NaN;
    }

    // Counts each topic once: true when an earlier ideal item already had this topic.
    private static bool SeenBefore(ReadOnlySpan<int> ideal, ReadOnlySpan<int> topicOf, int j, int topic)
    {
        for (var i = 0; i < j; i++)
        {
            if (topicOf[ideal[i]] == topic)
            {
                return true;
            }
        }

        return false;
    }
}
