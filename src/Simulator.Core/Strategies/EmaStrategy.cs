using Simulator.Core.Checkpoints;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// ema: a user vector e_u, exponential moving average of the embeddings of clicked items.
/// Update rule on a click of item i: e_u &lt;- (1 - alpha) e_u + alpha x_i; no update otherwise.
/// Score = &lt;e_u, x_i&gt;, top-k through the engine. e_u starts at 1/d plus small keyed noise,
/// so cold users get varied (not identical) slates.
/// </summary>
internal sealed class EmaStrategy : IStrategy, IInterestEstimator
{
    private readonly StrategyContext _context;
    private readonly float _alpha;
    private readonly UserVectorScorer _scorer;

    public EmaStrategy(StrategyContext context, double alpha)
    {
        _context = context;
        _alpha = (float)alpha;
        _scorer = new UserVectorScorer(context);
        var d = context.Dim;
        var vectors = _scorer.Vectors.Host;
        for (var u = 0; u < context.Users; u++)
        {
            for (var g = 0; g < d; g++)
            {
                vectors[(u * d) + g] = (1f / d) * (1f + (0.1f * KeyedRandom.Normal(context.Seed, RandomStreams.StrategyTieBreak, (uint)(context.Shards.FirstUser + u), 0, (uint)g)));
            }
        }
    }

    public string Name => "ema";

    /// <summary>The strategy's interest estimate per user [N x d].</summary>
    public float[] InterestEstimate => _scorer.Vectors.Host;

    public void Recommend(RecommendContext ctx) => _scorer.Score(ctx.Slates);

    public void Learn(FeedbackContext ctx)
    {
        var d = _context.Dim;
        var k = _context.K;
        var items = _context.Catalog.Items.Host;
        var vectors = _scorer.Vectors.Host;
        var alpha = _alpha;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var position = ctx.ChosenPosition[u];
                if (position < 0)
                {
                    continue;
                }

                var item = ctx.Slates[(u * k) + position];
                var e = vectors.AsSpan(u * d, d);
                var x = items.AsSpan(item * d, d);
                for (var g = 0; g < d; g++)
                {
                    e[g] = ((1f - alpha) * e[g]) + (alpha * x[g]);
                }
            }
        });
    }

    public void ExchangeState(StateExchange state) => _scorer.ExchangeState(state);

    public void Dispose() => _scorer.Dispose();
}
