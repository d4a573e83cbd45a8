using Simulator.Core.Results;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting;

/// <summary>Summary lookups shared by the HTML, Markdown and console tables, so they agree on "best".</summary>
internal static class SummaryCells
{
    public static MetricSummary? Get(RunResult run, string strategy, string metric) =>
        SummaryBarFigure.Lookup(run, strategy, metric);

    /// <summary>
    /// Best mean per metric (max, or min for lower-is-better metrics); NaN when no strategy has
    /// a value. Ties are all "best": the comparison is exact on the stored means.
    /// </summary>
    public static double Best(RunResult run, string metric)
    {
        var lower = MetricNames.IsLowerBetter(metric);
        var best = double.NaN;
        foreach (var strategy in run.Strategies)
        {
            var s = Get(run, strategy, metric);
            if (s is null || !double.IsFinite(s.Mean))
            {
                continue;
            }

            if (double.IsNaN(best) || (lower ? s.Mean < best : s.Mean > best))
            {
                best = s.Mean;
            }
        }

        return best;
    }

    public static bool IsBest(RunResult run, string strategy, string metric, double best)
    {
        var s = Get(run, strategy, metric);
        return s is not null && double.IsFinite(best) && s.Mean == best;
    }

    /// <summary><c>mean [lo, hi]</c>, or <c>n/a</c> when the summary is missing or undefined (NaN).</summary>
    public static string MeanWithInterval(MetricSummary? s) =>
        s is null || double.IsNaN(s.Mean) ? "n/a" : $"{MetricNames.Format(s.Mean)} [{MetricNames.FormatLike(s.CiLow, s.Mean)}, {MetricNames.FormatLike(s.CiHigh, s.Mean)}]";

    /// <summary><c>mean ± halfwidth</c>, or <c>n/a</c> when the summary is missing or undefined (NaN).</summary>
    public static string MeanPlusMinus(MetricSummary? s) =>
        s is null || double.IsNaN(s.Mean) ? "n/a" : $"{MetricNames.Format(s.Mean)} ± {MetricNames.FormatLike((s.CiHigh - s.CiLow) / 2, s.Mean)}";
}
