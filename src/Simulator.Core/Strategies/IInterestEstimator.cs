namespace Simulator.Core.Strategies;

/// <summary>
/// A strategy that holds an explicit per-user interest estimate over topics, so the simulator
/// can score how well it tracks the truth (tracking error). Strategies without one report NaN.
/// </summary>
public interface IInterestEstimator
{
    /// <summary>The estimate per user [N x d], row-major; null before the strategy has one.</summary>
    float[]? InterestEstimate { get; }
}
