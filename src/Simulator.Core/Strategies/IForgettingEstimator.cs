namespace Simulator.Core.Strategies;

/// <summary>
/// A strategy that fits a forgetting parameter per user from that user's observed history
/// (e.g. the seed model's sigmoid coefficient alpha), so parameter recovery can be measured
/// against the users' true forgetting speed.
/// </summary>
public interface IForgettingEstimator
{
    /// <summary>
    /// Fitted forgetting rate per user [N], in 1/tick units: larger means the strategy believes
    /// the user forgets faster. Only its ranking across users is compared with the truth
    /// (Spearman), so any monotone parameterisation of speed is acceptable. NaN where the
    /// strategy has no estimate for a user yet.
    /// </summary>
    ReadOnlySpan<float> FittedForgettingRate { get; }
}
