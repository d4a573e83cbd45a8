using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// oracle: shows the top-k items by true utility in its own world (the upper bound). It reads the
/// ideal slate the world computes for scoring, so its NDCG is exactly 1 and its regret exactly 0.
/// </summary>
internal sealed class OracleStrategy : IStrategy, IInterestEstimator
{
    public string Name => "oracle";

    /// <summary>The true interest itself (the world's own array), so its tracking error is exactly 0.</summary>
    public float[]? InterestEstimate { get; private set; }

    public void Recommend(RecommendContext ctx)
    {
        InterestEstimate = ctx.Truth.Interest.Host;
        ctx.Truth.IdealSlates.Host.AsSpan().CopyTo(ctx.Slates.Host);
    }

    public void Learn(FeedbackContext context)
    {
    }

    /// <summary>Stateless: it copies the world's ideal slate each tick.</summary>
    public void ExchangeState(StateExchange state)
    {
    }

    public void Dispose()
    {
    }
}
