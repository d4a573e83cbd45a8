using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// oracle-frozen: ranks by true utility computed with the world's true interest as it was at the
/// first tick the strategy saw (a copy of <see cref="GroundTruth.Interest"/>), plus the world's
/// true item bias. Update rule: none after the first tick (the snapshot never changes). Its gap to
/// <c>oracle</c> prices the value of tracking drift. Reads ground truth. Memory: one [N x d] snapshot.
/// </summary>
internal sealed class OracleFrozenStrategy(StrategyContext context) : IStrategy, IInterestEstimator
{
    private readonly UserVectorScorer _scorer = new(context);
    private bool _frozen;

    public string Name => "oracle-frozen";

    /// <summary>The frozen true interest [N x d]; null before the first tick.</summary>
    public float[]? InterestEstimate => _frozen ? _scorer.Vectors.Host : null;

    public void Recommend(RecommendContext ctx)
    {
        if (!_frozen)
        {
            ctx.Truth.Interest.Host.AsSpan().CopyTo(_scorer.Vectors.Host);
            _frozen = true;
        }

        _scorer.Score(ctx.Slates, ctx.Truth.ItemBias);
    }

    public void Learn(FeedbackContext context)
    {
    }

    public void ExchangeState(StateExchange state)
    {
        state.Value("frozen", ref _frozen);
        _scorer.ExchangeState(state);
    }

    public void Dispose() => _scorer.Dispose();
}
