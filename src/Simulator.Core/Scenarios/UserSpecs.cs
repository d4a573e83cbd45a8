namespace Simulator.Core.Scenarios;

/// <summary>
/// A user archetype (e.g. "binge-watcher", "explorer", "loyal"): users belong to one segment with
/// probability Weight / sum of weights, and the segment scales their parameters: Activity
/// multiplies the activity rate, ForgettingSpeed divides the forgetting curve's time scale
/// (2 = forgets twice as fast), DriftRate multiplies the drift rate, Concentration multiplies
/// the initial logit scale (higher = interest concentrated on fewer topics).
/// </summary>
public sealed record SegmentSpec(string Name, float Weight, float Activity, float ForgettingSpeed, float DriftRate, float Concentration)
{
    /// <summary>The segment of every user when the scenario names none.</summary>
    public static readonly SegmentSpec Typical = new("typical", 1f, 1f, 1f, 1f, 1f);
}

/// <summary>
/// Churn after sustained low utility, and return visits. Per world (churn depends on what the
/// strategy showed): after each active tick e = (1 - Smoothing) e + Smoothing ctr, with ctr the
/// user's expected CTR that tick and e starting at 1; a user whose e stays below Threshold for
/// Patience consecutive active ticks leaves. A churned user returns with probability ReturnRate
/// per tick (keyed draw, the same in every world), with e reset to 1. Threshold 0 = no churn.
/// </summary>
public sealed record ChurnSpec(float Threshold, int Patience, float Smoothing, float ReturnRate)
{
    public static readonly ChurnSpec Disabled = new(0f, 10, 0.2f, 0.05f);

    public bool Enabled => Threshold > 0f;
}
