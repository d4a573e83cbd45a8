using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// sliding-window: the user vector is the mean embedding of the user's last W clicked items.
/// Update rule on a click of item i: push i into the user's ring buffer of W item ids (evicting
/// the oldest when full), then v_u = (1/n) sum of the n &lt;= W held items' embeddings.
/// Score = &lt;v_u, x_i&gt;, top-k through the engine. Users with no click keep a keyed-noise vector
/// (1/d)(1 + 0.1 z). Memory: O(N W) item ids plus O(N d) vectors.
/// </summary>
internal sealed class SlidingWindowStrategy : IStrategy, IInterestEstimator
{
    private readonly StrategyContext _context;
    private readonly int _window;
    private readonly int[] _history;
    private readonly int[] _clicks;
    private readonly UserVectorScorer _scorer;

    public SlidingWindowStrategy(StrategyContext context, int window)
    {
        _context = context;
        _window = window;
        _history = new int[context.Users * window];
        _clicks = new int[context.Users];
        _scorer = new UserVectorScorer(context);
        var d = context.Dim;
        for (var u = 0; u < context.Users; u++)
        {
            UserVectorScorer.ColdStart(context, u, _scorer.Vectors.Host.AsSpan(u * d, d), 1f);
        }
    }

    public string Name => "sliding-window";

    /// <summary>Mean embedding of the window per user [N x d].</summary>
    public float[] InterestEstimate => _scorer.Vectors.Host;

    public void Recommend(RecommendContext ctx) => _scorer.Score(ctx.Slates);

    public void Learn(FeedbackContext ctx)
    {
        var d = _context.Dim;
        var k = _context.K;
        var w = _window;
        var items = _context.Catalog.Items.Host;
        var vectors = _scorer.Vectors.Host;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var position = ctx.ChosenPosition[u];
                if (position < 0)
                {
                    continue;
                }

                _history[(u * w) + (_clicks[u] % w)] = ctx.Slates[(u * k) + position];
                _clicks[u]++;
                var held = Math.Min(_clicks[u], w);
                var v = vectors.AsSpan(u * d, d);
                v.Clear();
                for (var j = 0; j < held; j++)
                {
                    var x = items.AsSpan(_history[(u * w) + j] * d, d);
                    for (var g = 0; g < d; g++)
                    {
                        v[g] += x[g];
                    }
                }

                for (var g = 0; g < d; g++)
                {
                    v[g] /= held;
                }
            }
        });
    }

    public void ExchangeState(StateExchange state)
    {
        state.Ints("history", _history);
        state.Ints("clicks", _clicks);
        _scorer.ExchangeState(state);
    }

    public void Dispose() => _scorer.Dispose();
}
