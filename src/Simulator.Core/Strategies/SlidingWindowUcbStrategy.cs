using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// sw-ucb: sliding-window UCB over items, one global bandit (the same slate for everyone). Update
/// rule, every tick: push this tick's per-item clicks and shows into a ring of the last W ticks;
/// S_i, N_i are their sums over the window. Index_i = S_i/N_i + c sqrt(ln(sum_j N_j) / N_i); items
/// not shown within the window go first (by index). Integer tallies, merged in shard order.
/// Memory: O(W M).
/// </summary>
internal sealed class SlidingWindowUcbStrategy : IStrategy
{
    private readonly StrategyContext _context;
    private readonly double _exploration;
    private readonly long[][] _ringClicks;
    private readonly long[][] _ringShows;
    private readonly long[] _clicks;
    private readonly long[] _shows;
    private int _ticks;

    public SlidingWindowUcbStrategy(StrategyContext context, int window, double exploration)
    {
        _context = context;
        _exploration = exploration;
        var m = context.Catalog.Count;
        _ringClicks = Enumerable.Range(0, window).Select(_ => new long[m]).ToArray();
        _ringShows = Enumerable.Range(0, window).Select(_ => new long[m]).ToArray();
        _clicks = new long[m];
        _shows = new long[m];
    }

    public string Name => "sw-ucb";

    public void Recommend(RecommendContext ctx)
    {
        double total = _shows.Sum();
        var score = new float[_shows.Length];
        for (var i = 0; i < score.Length; i++)
        {
            score[i] = UcbMath.Index(_clicks[i], _shows[i], total, _exploration);
        }

        ItemTally.SameSlateForAll(_context, ctx, score);
    }

    public void Learn(FeedbackContext ctx)
    {
        var (clicks, shows) = ItemTally.Count(_context, ctx);
        var slot = _ticks % _ringClicks.Length;
        for (var i = 0; i < _clicks.Length; i++)
        {
            _clicks[i] += clicks[i] - _ringClicks[slot][i];
            _shows[i] += shows[i] - _ringShows[slot][i];
        }

        _ringClicks[slot] = clicks;
        _ringShows[slot] = shows;
        _ticks++;
    }

    /// <summary>The window's ring slots are restored in place, then the running sums and the tick count that picks the next slot.</summary>
    public void ExchangeState(StateExchange state)
    {
        for (var slot = 0; slot < _ringClicks.Length; slot++)
        {
            state.Longs($"ringClicks[{slot}]", _ringClicks[slot]);
            state.Longs($"ringShows[{slot}]", _ringShows[slot]);
        }

        state.Longs("clicks", _clicks);
        state.Longs("shows", _shows);
        state.Value("ticks", ref _ticks);
    }

    public void Dispose()
    {
    }
}
