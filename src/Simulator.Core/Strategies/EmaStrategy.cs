using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// ema: a user vector e_u, exponential moving average of the embeddings of clicked items.
/// Update rule on a click of item i: e_u &lt;- (1 - alpha) e_u + alpha x_i; no update otherwise.
/// Score = &lt;e_u, x_i&gt;, top-k through the engine. e_u starts at 1/d plus small keyed noise,
/// so cold users get varied (not identical) slates.
/// </summary>
public sealed class EmaStrategy : IStrategy, IInterestEstimator
{
    private readonly StrategyContext _context;
    private readonly float _alpha;
    private readonly IColumn<float> _vectors;
    private readonly IColumn<float> _scores;

    public EmaStrategy(StrategyContext context, double alpha)
    {
        _context = context;
        _alpha = (float)alpha;
        var d = context.Dim;
        var vectors = new float[context.Users * d];
        for (var u = 0; u < context.Users; u++)
        {
            for (var g = 0; g < d; g++)
            {
                vectors[(u * d) + g] = (1f / d) * (1f + (0.1f * KeyedRandom.Normal(context.Seed, RandomStreams.StrategyTieBreak, (uint)u, 0, (uint)g)));
            }
        }

        _vectors = context.Engine.Bind(vectors);
        _scores = context.Engine.Bind(new float[context.Users * context.K]);
    }

    public string Name => "ema";

    /// <summary>The strategy's interest estimate per user [N x d].</summary>
    public float[] InterestEstimate => _vectors.Host;

    public void Recommend(RecommendContext ctx)
    {
        _vectors.Upload();
        _context.Engine.ScoreTopK(new ScoreTopKOperands(
            _context.Users, _context.Catalog.Count, _context.Dim, _context.K, _vectors, _context.Catalog.Items, null, ctx.Slates, _scores));
        ctx.Slates.Download();
    }

    public void Learn(FeedbackContext ctx)
    {
        var d = _context.Dim;
        var k = _context.K;
        var items = _context.Catalog.Items.Host;
        var vectors = _vectors.Host;
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

    public void Dispose()
    {
        _vectors.Dispose();
        _scores.Dispose();
    }
}
