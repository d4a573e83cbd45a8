using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// recent-popularity: everyone gets the k items with the largest exponentially decayed click
/// counts (ties: smaller index). Update rule, every tick: c_i &lt;- gamma c_i + clicks_i(t).
/// Clicks are counted per shard and merged in shard order. Memory: O(M).
/// </summary>
internal sealed class RecentPopularityStrategy(StrategyContext context, double decay) : IStrategy
{
    private readonly double[] _counts = new double[context.Catalog.Count];

    public string Name => "recent-popularity";

    /// <summary>The decayed counts c_i (tests).</summary>
    internal double[] Counts => _counts;

    public void Recommend(RecommendContext ctx)
    {
        var score = new float[_counts.Length];
        for (var i = 0; i < score.Length; i++)
        {
            score[i] = (float)_counts[i];
        }

        ItemTally.SameSlateForAll(context, ctx, score);
    }

    public void Learn(FeedbackContext ctx)
    {
        var (clicks, _) = ItemTally.Count(context, ctx);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] = (decay * _counts[i]) + clicks[i];
        }
    }

    public void ExchangeState(StateExchange state) => state.Doubles("counts", _counts);

    public void Dispose()
    {
    }
}
