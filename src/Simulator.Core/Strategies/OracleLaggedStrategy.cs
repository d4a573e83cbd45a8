using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// oracle-lagged: ranks by true utility computed with the world's true interest as it was
/// <c>lag</c> ticks ago (plus the world's true item bias). Update rule: each tick the current true
/// interest is pushed into a ring buffer of lag + 1 snapshots; the slate uses the snapshot lag
/// ticks old, or the oldest one held before that much history exists. Reads ground truth.
/// Memory: (lag + 1) snapshots of [N x d] plus one [N x d] scoring column.
/// </summary>
internal sealed class OracleLaggedStrategy : IStrategy, IInterestEstimator
{
    private readonly UserVectorScorer _scorer;
    private readonly float[][] _ring;
    private int _seen;

    public OracleLaggedStrategy(StrategyContext context, int lag)
    {
        _scorer = new UserVectorScorer(context, rebuiltVectors: true);
        _ring = new float[lag + 1][];
        for (var i = 0; i < _ring.Length; i++)
        {
            _ring[i] = new float[context.Users * context.Dim];
        }
    }

    public string Name => "oracle-lagged";

    /// <summary>The lagged true interest used for the latest slate [N x d]; null before the first tick.</summary>
    public float[]? InterestEstimate => _seen > 0 ? _scorer.Vectors.Host : null;

    public void Recommend(RecommendContext ctx)
    {
        var slots = _ring.Length;
        ctx.Truth.Interest.Host.AsSpan().CopyTo(_ring[_seen % slots]);
        _seen++;

        // The snapshot taken `lag` calls ago, or the oldest still held.
        var age = Math.Min(slots - 1, _seen - 1);
        _ring[(_seen - 1 - age) % slots].AsSpan().CopyTo(_scorer.Vectors.Host);
        _scorer.Score(ctx.Slates, ctx.Truth.ItemBias);
    }

    public void Learn(FeedbackContext context)
    {
    }

    public void ExchangeState(StateExchange state)
    {
        for (var slot = 0; slot < _ring.Length; slot++)
        {
            state.Floats($"ring[{slot}]", _ring[slot]);
        }

        state.Value("seen", ref _seen);
        _scorer.ExchangeState(state);
    }

    public void Dispose() => _scorer.Dispose();
}
