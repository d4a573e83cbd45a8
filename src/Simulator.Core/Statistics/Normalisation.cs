using Simulator.Core.Results;

namespace Simulator.Core.Statistics;

/// <summary>
/// Normalised score (m - m_random) / (m_oracle - m_random): where a strategy sits between the
/// floor (random = 0) and the ceiling (oracle = 1), on each metric's across-seed mean.
/// </summary>
internal static class Normalisation
{
    public const string Random = "random";
    public const string Oracle = "oracle";

    /// <summary>
    /// The normalised value, or null where it is undefined: a NaN input, or random and oracle too
    /// close to tell apart (|m_oracle - m_random| &lt;= 1e-12, e.g. a metric both score 0 on).
    /// </summary>
    public static double? Normalise(double m, double random, double oracle)
    {
        var span = oracle - random;
        if (!double.IsFinite(m) || !double.IsFinite(span) || Math.Abs(span) <= 1e-12)
        {
            return null;
        }

        return (m - random) / span;
    }

    /// <summary>
    /// Normalised[strategy][metric] for every strategy when both random and oracle ran; metrics
    /// where it is undefined are left out; empty when either reference point did not run.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Compute(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricSummary>> summary, IReadOnlyList<string> strategies, IReadOnlyList<string> metrics)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        if (!summary.TryGetValue(Random, out var random) || !summary.TryGetValue(Oracle, out var oracle))
        {
            return result;
        }

        foreach (var strategy in strategies)
        {
            var byMetric = new Dictionary<string, double>();
            foreach (var metric in metrics)
            {
                if (Normalise(summary[strategy][metric].Mean, random[metric].Mean, oracle[metric].Mean) is double v)
                {
                    byMetric[metric] = v;
                }
            }

            result[strategy] = byMetric;
        }

        return result;
    }
}
