using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// mf and mf-forgetting: streaming matrix factorisation by incremental SGD (ISGD, Vinagre et al.
/// 2014) on the impressions, score = &lt;p_u, q_i&gt; with learned user factors p [N x f] and item
/// factors q [M x f]. Update rule, per active user in user order, for each shown item i with target
/// y = 1 if clicked else 0 (the clicked item first, then the others in slate order):
/// err = y - &lt;p_u, q_i&gt;, p_u &lt;- p_u + eta (err q_i - lambda p_u), q_i &lt;- q_i + eta (err p_u - lambda q_i)
/// (both with the pre-update values). mf-forgetting first fades the user's factors, p_u &lt;- gamma p_u,
/// every active tick (latent-factor forgetting): old evidence loses weight against the newest
/// updates. Users are processed sequentially in index order because item factors are shared, so
/// the result never depends on the thread count. Factors start at 0.1 N(0, 1), keyed by (seed, user
/// or item). No interest estimate over topics (the factors live in their own latent space).
/// </summary>
internal sealed class MatrixFactorizationStrategy : IStrategy, ICheckpointable
{
    private readonly StrategyContext _context;
    private readonly int _factors;
    private readonly float _rate;
    private readonly float _regularization;
    private readonly float _fade;
    private readonly IColumn<float> _users;
    private readonly IColumn<float> _items;
    private readonly IColumn<float> _scores;
    private readonly bool _ownsScores;

    /// <summary>Builds mf (fade = 1: no forgetting) or mf-forgetting (fade = gamma &lt; 1).</summary>
    public MatrixFactorizationStrategy(StrategyContext context, int factors, double learningRate, double regularization, double fade)
    {
        _context = context;
        _factors = factors;
        _rate = (float)learningRate;
        _regularization = (float)regularization;
        _fade = (float)fade;
        var p = new float[context.Users * factors];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = 0.1f * KeyedRandom.Normal(context.Seed, RandomStreams.StrategyFactorInit, (uint)(i / factors), 0, (uint)(i % factors));
        }

        var q = new float[context.Catalog.Count * factors];
        for (var i = 0; i < q.Length; i++)
        {
            q[i] = 0.1f * KeyedRandom.Normal(context.Seed, RandomStreams.StrategyFactorInit, (uint)(i / factors), 1, (uint)(i % factors));
        }

        _users = context.Engine.Bind(p);
        _items = context.Engine.Bind(q);
        _scores = context.ScratchOrOwn(StrategyScratch.SlateScores, context.K, out _ownsScores);
    }

    public string Name => _fade < 1f ? "mf-forgetting" : "mf";

    /// <summary>User factors [N x f].</summary>
    public ReadOnlySpan<float> UserFactors => _users.Host;

    /// <summary>Item factors [M x f].</summary>
    public ReadOnlySpan<float> ItemFactors => _items.Host;

    public void Recommend(RecommendContext ctx)
    {
        _users.Upload();
        _items.Upload();
        _context.Engine.ScoreTopK(new ScoreTopKOperands(
            _context.Users, _context.Catalog.LiveCount, _factors, _context.K, _users, _items, null, ctx.Slates, _scores));
        ctx.Slates.Download();
    }

    public void Learn(FeedbackContext ctx)
    {
        var k = _context.K;
        var f = _factors;
        var p = _users.Host;
        var q = _items.Host;
        Span<float> old = stackalloc float[f];
        for (var u = 0; u < _context.Users; u++)
        {
            if (ctx.Active[u] == 0)
            {
                continue;
            }

            var pu = p.AsSpan(u * f, f);
            if (_fade < 1f)
            {
                for (var g = 0; g < f; g++)
                {
                    pu[g] *= _fade;
                }
            }

            var clicked = ctx.ChosenPosition[u];
            if (clicked >= 0)
            {
                Update(pu, q.AsSpan(ctx.Slates[(u * k) + clicked] * f, f), 1f, old);
            }

            for (var j = 0; j < k; j++)
            {
                if (j != clicked)
                {
                    Update(pu, q.AsSpan(ctx.Slates[(u * k) + j] * f, f), 0f, old);
                }
            }
        }
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("mf.users", _users.Host);
        state.Floats("mf.items", _items.Host);
    }

    public void Dispose()
    {
        _users.Dispose();
        _items.Dispose();
        if (_ownsScores)
        {
            _scores.Dispose();
        }
    }

    /// <summary>One ISGD step on the pair (p_u, q_i) toward target y.</summary>
    private void Update(Span<float> pu, Span<float> qi, float target, Span<float> old)
    {
        var dot = 0f;
        for (var g = 0; g < pu.Length; g++)
        {
            dot += pu[g] * qi[g];
        }

        var err = target - dot;
        pu.CopyTo(old);
        for (var g = 0; g < pu.Length; g++)
        {
            pu[g] += _rate * ((err * qi[g]) - (_regularization * pu[g]));
            qi[g] += _rate * ((err * old[g]) - (_regularization * qi[g]));
        }
    }
}
