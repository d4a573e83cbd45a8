using System.Text;
using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Core.Statistics;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// summary.json: {"scenario", "seeds", "ticks", "users", "items", "slateSize",
/// "strategies": {strategy: {metric: {"mean", "ci95": [lo, hi], "sd", "n", "normalised"?}}},
/// "comparisons": {"reference": name, strategy: {metric: {"mean_diff", "ci95", "bootstrap_ci95", "p", "p_holm", "n"}}}},
/// "twins" (when a time-aware strategy and its time-blind twin both ran): {strategy: {"twin": name, metric: the same
/// fields, for strategy - twin}}.
/// "recovery": {"metric", "window", "eps", strategy: [{"event", "median_ticks_to_recover" (Kaplan-Meier; null when
/// more than half the seeds never recover), "recovered", "censored", "depth", "area_under_degradation",
/// "seeds": [{"ticks_to_recover", "censored", "pre_level", "depth", "area_under_degradation"}]}]} when the
/// scenario has population-wide drift events.
/// A strategy that fits forgetting (IForgettingEstimator) also has "parameter_recovery": {"mean", "ci95", "sd",
/// "n", "per_seed": [...]}: Spearman's rho between its fitted and the users' true forgetting speed.
/// "normalised" is (m - m_random) / (m_oracle - m_random), present only where defined. A value
/// that is undefined (NaN, e.g. tracking error of a strategy without an estimate) is written as null.
/// Deterministic: no timestamps (those go to environment.json), fixed key order, round-trip doubles.
/// </summary>
public static partial class SummaryJson
{
    public static string Write(RunResult run)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("scenario", run.ScenarioName);
            w.WriteStartArray("seeds");
            foreach (var seed in run.Seeds)
            {
                w.WriteNumberValue(seed);
            }

            w.WriteEndArray();
            w.WriteNumber("ticks", run.Ticks);
            w.WriteNumber("users", run.Users);
            w.WriteNumber("items", run.Items);
            w.WriteNumber("slateSize", run.SlateSize);
            w.WriteStartObject("strategies");
            foreach (var strategy in run.Strategies)
            {
                w.WriteStartObject(strategy);
                run.Normalised.TryGetValue(strategy, out var normalised);
                foreach (var metric in run.Metrics)
                {
                    var s = run.Summary[strategy][metric];
                    w.WriteStartObject(metric);
                    Number(w, "mean", s.Mean);
                    Pair(w, "ci95", s.CiLow, s.CiHigh);
                    Number(w, "sd", s.StdDev);
                    w.WriteNumber("n", s.Seeds);
                    if (normalised is not null && normalised.TryGetValue(metric, out var value))
                    {
                        Number(w, "normalised", value);
                    }

                    w.WriteEndObject();
                }

                WriteParameterRecovery(w, run, strategy);
                WriteRetention(w, run, strategy);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            WriteComparisons(w, run);
            WriteTwins(w, run);
            WriteRecovery(w, run);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The key of a strategy's parameter-recovery entry, next to its metrics.</summary>
    public const string ParameterRecoveryKey = "parameter_recovery";

    private static void WriteParameterRecovery(Utf8JsonWriter w, RunResult run, string strategy)
    {
        if (run.ParameterRecovery.FirstOrDefault(r => r.Strategy == strategy) is not { } recovery)
        {
            return;
        }

        w.WriteStartObject(ParameterRecoveryKey);
        Number(w, "mean", recovery.Spearman.Mean);
        Pair(w, "ci95", recovery.Spearman.CiLow, recovery.Spearman.CiHigh);
        Number(w, "sd", recovery.Spearman.StdDev);
        w.WriteNumber("n", recovery.Spearman.Seeds);
        w.WriteStartArray("per_seed");
        foreach (var rho in recovery.PerSeed)
        {
            if (double.IsFinite(rho))
            {
                w.WriteNumberValue(rho);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The key of a time-aware strategy's learned-retention entry, next to its metrics.</summary>
    public const string RetentionKey = "learned_retention";

    /// <summary>
    /// "learned_retention": {"half_life": {"median", "per_seed"}, "true_half_life": {"median", "per_seed"},
    /// "ratio"}: the gap (ticks) at which the strategy's learned retention and the world's true retention fall to
    /// one half (null where a curve stays above it over the probed gaps, counted as the longest in the median)
    /// and the ratio of the medians.
    /// </summary>
    private static void WriteRetention(Utf8JsonWriter w, RunResult run, string strategy)
    {
        var curves = run.Retention.Where(r => r.Strategy == strategy).ToArray();
        if (curves.Length == 0)
        {
            return;
        }

        var learned = curves.Select(c => c.LearnedHalfLife).ToArray();
        var truth = curves.Select(c => c.TrueHalfLife).ToArray();
        w.WriteStartObject(RetentionKey);
        WriteHalfLives(w, "half_life", learned);
        WriteHalfLives(w, "true_half_life", truth);
        Number(w, "ratio", RetentionCurve.MedianHalfLife(learned) / RetentionCurve.MedianHalfLife(truth));
        w.WriteEndObject();
    }

    private static void WriteHalfLives(Utf8JsonWriter w, string name, double[] perSeed)
    {
        w.WriteStartObject(name);
        Number(w, "median", RetentionCurve.MedianHalfLife(perSeed));
        w.WriteStartArray("per_seed");
        foreach (var value in perSeed)
        {
            if (double.IsFinite(value))
            {
                w.WriteNumberValue(value);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteComparisons(Utf8JsonWriter w, RunResult run)
    {
        if (run.Comparisons is not { } comparisons)
        {
            return;
        }

        w.WriteStartObject("comparisons");
        w.WriteString("reference", comparisons.Reference);
        foreach (var strategy in run.Strategies)
        {
            if (strategy == comparisons.Reference)
            {
                continue;
            }

            w.WriteStartObject(strategy);
            foreach (var metric in run.Metrics)
            {
                if (comparisons.Find(strategy, metric) is not { } c)
                {
                    continue;
                }

                WriteDifference(w, c);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>"twins": {time-aware strategy: {"twin": name, metric: difference, ...}}, only when a pair ran.</summary>
    private static void WriteTwins(Utf8JsonWriter w, RunResult run)
    {
        if (run.Twins.Count == 0)
        {
            return;
        }

        w.WriteStartObject("twins");
        foreach (var pair in run.Twins.GroupBy(t => t.Comparison.Strategy))
        {
            w.WriteStartObject(pair.Key);
            w.WriteString("twin", pair.First().Twin);
            foreach (var twin in pair)
            {
                WriteDifference(w, twin.Comparison);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>One metric's paired difference: mean, t and bootstrap intervals, p and Holm-adjusted p, seeds.</summary>
    private static void WriteDifference(Utf8JsonWriter w, PairedComparison c)
    {
        w.WriteStartObject(c.Metric);
        Number(w, "mean_diff", c.MeanDiff);
        Pair(w, "ci95", c.CiLow, c.CiHigh);
        Pair(w, "bootstrap_ci95", c.BootstrapLow, c.BootstrapHigh);
        Number(w, "p", c.P);
        Number(w, "p_holm", c.PHolm);
        w.WriteNumber("n", c.Differences.Count);
        w.WriteEndObject();
    }

    private static void WriteRecovery(Utf8JsonWriter w, RunResult run)
    {
        if (run.RecoveryMetric is null || run.Recovery.Count == 0)
        {
            return;
        }

        w.WriteStartObject("recovery");
        w.WriteString("metric", run.RecoveryMetric);
        w.WriteNumber("window", DriftRecovery.Window);
        w.WriteNumber("eps", DriftRecovery.Eps);
        foreach (var strategy in run.Strategies)
        {
            w.WriteStartArray(strategy);
            foreach (var r in run.Recovery.Where(x => x.Strategy == strategy))
            {
                w.WriteStartObject();
                w.WriteNumber("event", r.EventTick);
                Number(w, "median_ticks_to_recover", r.MedianTicksToRecover);
                w.WriteNumber("recovered", r.Recovered);
                w.WriteNumber("censored", r.Censored);
                Number(w, "depth", r.MeanDepth);
                Number(w, "area_under_degradation", r.MeanAreaUnderDegradation);
                w.WriteStartArray("seeds");
                foreach (var e in r.Seeds)
                {
                    w.WriteStartObject();
                    Number(w, "ticks_to_recover", e.TicksToRecover);
                    w.WriteBoolean("censored", !e.Recovered);
                    Number(w, "pre_level", e.PreLevel);
                    Number(w, "depth", e.Depth);
                    Number(w, "area_under_degradation", e.AreaUnderDegradation);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    // JSON has no NaN or infinity: an undefined value is null.
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Pair(Utf8JsonWriter w, string name, double low, double high)
    {
        w.WriteStartArray(name);
        foreach (var v in (ReadOnlySpan<double>)[low, high])
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }
}
