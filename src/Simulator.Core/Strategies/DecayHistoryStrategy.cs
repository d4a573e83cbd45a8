using Simulator.Core.Checkpoints;
namespace Simulator.Core.Strategies;

/// <summary>
/// decay-history: exponential-decay scoring over the click history. Per user a vector
/// h_u = sum over past clicks j of gamma^(active ticks since j) x_j. Update rule, each tick the
/// user is active: h_u &lt;- gamma h_u, then h_u &lt;- h_u + x_i on a click of item i.
/// Score = &lt;h_u, x_i&gt;, top-k through the engine. Cold users start at a small keyed-noise vector
/// 0.01 (1/d)(1 + 0.1 z). Memory: O(N d).
/// </summary>
internal sealed class DecayHistoryStrategy : IStrategy, IInterestEstimator
{
    private readonly StrategyContext _context;
    private readonly float _decay;
    private readonly UserVectorScorer _scorer;

    public DecayHistoryStrategy(StrategyContext context, double decay)
    {
        _context = context;
        _decay = (float)decay;
        _scorer = new UserVectorScorer(context);
        var d = context.Dim;
        for (var u = 0; u < context.Users; u++)
        {
            UserVectorScorer.ColdStart(context, u, _scorer.Vectors.Host.AsSpan(u * d, d), 0.01f);
        }
    }

    public string Name => "decay-history";

    /// <summary>h_u per user [N x d] (direction = interest estimate).</summary>
    public float[] InterestEstimate => _scorer.Vectors.Host;

    public void Recommend(RecommendContext ctx) => _scorer.Score(ctx.Slates);

    public void Learn(FeedbackContext ctx)
    {
        var d = _context.Dim;
        var k = _context.K;
        var items = _context.Catalog.Items.Host;
        var vectors = _scorer.Vectors.Host;
        var gamma = _decay;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                if (ctx.Active[u] == 0)
                {
                    continue;
                }

                var h = vectors.AsSpan(u * d, d);
                for (var g = 0; g < d; g++)
                {
                    h[g] *= gamma;
                }

                var position = ctx.ChosenPosition[u];
                if (position < 0)
                {
                    continue;
                }

                var x = items.AsSpan(ctx.Slates[(u * k) + position] * d, d);
                for (var g = 0; g < d; g++)
                {
                    h[g] += x[g];
                }
            }
        });
    }

    public void ExchangeState(StateExchange state) => _scorer.ExchangeState(state);

    public void Dispose() => _scorer.Dispose();
}
