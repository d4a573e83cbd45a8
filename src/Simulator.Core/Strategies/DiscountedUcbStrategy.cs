using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// d-ucb: discounted UCB over items, one global bandit (the same slate for everyone). Update rule,
/// every tick: S_i &lt;- gamma S_i + clicks_i, N_i &lt;- gamma N_i + shows_i (a show = item in the slate
/// of an active user). Index_i = S_i/N_i + c sqrt(ln(sum_j N_j) / N_i); items never shown go first
/// (by index), then the top indices. Tallies are counted per shard and merged in shard order.
/// Memory: O(M).
/// </summary>
internal sealed class DiscountedUcbStrategy(StrategyContext context, double discount, double exploration) : IStrategy
{
    private readonly double[] _clicks = new double[context.Catalog.Count];
    private readonly double[] _shows = new double[context.Catalog.Count];
    private readonly bool[] _seen = new bool[context.Catalog.Count];

    public string Name => "d-ucb";

    public void Recommend(RecommendContext ctx)
    {
        var total = _shows.Sum();
        var score = new float[_shows.Length];
        for (var i = 0; i < score.Length; i++)
        {
            score[i] = _seen[i] ? UcbMath.Index(_clicks[i], _shows[i], total, exploration) : UcbMath.Unshown;
        }

        ItemTally.SameSlateForAll(context, ctx, score);
    }

    public void Learn(FeedbackContext ctx)
    {
        var (clicks, shows) = ItemTally.Count(context, ctx);
        for (var i = 0; i < _clicks.Length; i++)
        {
            _clicks[i] = (discount * _clicks[i]) + clicks[i];
            _shows[i] = (discount * _shows[i]) + shows[i];
            _seen[i] |= shows[i] > 0;
        }
    }

    public void ExchangeState(StateExchange state)
    {
        state.Doubles("clicks", _clicks);
        state.Doubles("shows", _shows);
        state.Flags("seen", _seen);
    }

    public void Dispose()
    {
    }
}
