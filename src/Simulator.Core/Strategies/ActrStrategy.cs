using Simulator.Core.Checkpoints;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// actr: ACT-R base-level activation per user and topic. For topic g (an item's primary topic,
/// catalog metadata), B_g = ln sum_j (t - t_j + 1)^-d over the user's last L = 20 clicks j on
/// items of topic g (t_j their ticks). Update rule on a click: push (tick, topic) into the user's
/// ring buffer of L pairs. User vector at tick t: v_g = exp(B_g) = sum_j (t - t_j + 1)^-d (0 for
/// topics never clicked) plus keyed noise 0.001 u_g, u ~ U(0,1), so cold users differ.
/// Score = &lt;v, x_i&gt;, top-k through the engine. Memory: O(N L) pairs plus O(N d) vectors.
/// </summary>
internal sealed class ActrStrategy : IStrategy, IInterestEstimator
{
    /// <summary>Clicks remembered per user (L).</summary>
    public const int Memory = 20;

    private readonly StrategyContext _context;
    private readonly float _decay;
    private readonly int[] _ticks;
    private readonly int[] _topics;
    private readonly int[] _clicks;
    private readonly float[] _noise;
    private readonly UserVectorScorer _scorer;

    public ActrStrategy(StrategyContext context, double decay)
    {
        _context = context;
        _decay = (float)decay;
        _ticks = new int[context.Users * Memory];
        _topics = new int[context.Users * Memory];
        _clicks = new int[context.Users];
        _scorer = new UserVectorScorer(context, rebuiltVectors: true);
        var d = context.Dim;
        _noise = new float[context.Users * d];
        for (var u = 0; u < context.Users; u++)
        {
            for (var g = 0; g < d; g++)
            {
                _noise[(u * d) + g] = 0.001f * KeyedRandom.Uniform(context.Seed, RandomStreams.StrategyColdStart, (uint)(context.Shards.FirstUser + u), 1, (uint)g);
            }
        }
    }

    public string Name => "actr";

    /// <summary>v per user [N x d] at the latest recommendation.</summary>
    public float[] InterestEstimate => _scorer.Vectors.Host;

    public void Recommend(RecommendContext ctx)
    {
        var d = _context.Dim;
        var vectors = _scorer.Vectors.Host;
        var t = ctx.Tick;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var v = vectors.AsSpan(u * d, d);
                _noise.AsSpan(u * d, d).CopyTo(v);
                var held = Math.Min(_clicks[u], Memory);
                for (var j = 0; j < held; j++)
                {
                    var age = t - _ticks[(u * Memory) + j] + 1;
                    v[_topics[(u * Memory) + j]] += MathF.Pow(age, -_decay);
                }
            }
        });
        _scorer.Score(ctx.Slates);
    }

    public void Learn(FeedbackContext ctx)
    {
        var k = _context.K;
        var topic = _context.Catalog.Topic.Host;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var position = ctx.ChosenPosition[u];
                if (position < 0)
                {
                    continue;
                }

                var slot = (u * Memory) + (_clicks[u] % Memory);
                _ticks[slot] = ctx.Tick;
                _topics[slot] = topic[ctx.Slates[(u * k) + position]];
                _clicks[u]++;
            }
        });
    }

    public void ExchangeState(StateExchange state)
    {
        state.Ints("ticks", _ticks);
        state.Ints("topics", _topics);
        state.Ints("clicks", _clicks);
        state.Floats("noise", _noise);
        _scorer.ExchangeState(state);
    }

    public void Dispose() => _scorer.Dispose();
}
