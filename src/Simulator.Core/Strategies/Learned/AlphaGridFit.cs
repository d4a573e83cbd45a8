using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// Maximum-likelihood fit of the forgetting coefficient alpha from a user's own history, on a
/// log-spaced grid of <see cref="GridSize"/> values in [<see cref="MinAlpha"/>, <see cref="MaxAlpha"/>].
/// Likelihood: every response to a slate under a multinomial logit with a no-click option,
/// P(j) = exp(a_j) / (exp(a_0) + sum_l exp(a_l)), P(none) = exp(a_0) / (...), with a_j = s &lt;e(alpha), x_j&gt; + b_j + c_i, where
/// e_g(alpha) = P_g R(t - L_g; alpha), P_g the topic's long-run click share relative to the user's
/// favourite (<see cref="BehaviourState.Preference"/>), and s, b, c the click model's current scale,
/// position and item biases; a_0, the user's no-click utility, is a nuisance parameter fitted on
/// a second grid of <see cref="NoClickGridSize"/> values (so the user's overall click rate is not
/// mistaken for forgetting), and P removes steady topic preference: alpha is identified by how fast
/// the user stops responding to a topic as the time since its last engagement grows. Update rule
/// per response: LL[alpha_k, a0_m] += ln P(response | alpha_k, a0_m) for every grid pair. The user's
/// posterior is LL_u + w LL_all / n_all: the user's own likelihood plus a shrinkage prior worth w
/// responses (<c>alphaPrior</c>) of the population's average per-click likelihood (empirical Bayes), so
/// users with little history stay near the population's alpha. a_0 is profiled out (each alpha keeps
/// its best a_0), and the fitted alpha is the posterior mean of ln alpha over the grid, exp(sum_k p_k
/// ln alpha_k) with p_k proportional to exp(profile_k): a grid argmax put most users on the fastest grid
/// value (their clicks rarely reach topics engaged more than a tick or two ago), which left their speeds
/// tied; the posterior mean still orders them by how strongly their history favours fast forgetting.
/// Per user, the profile also adds the user's dwell log-likelihood (<see cref="DwellEvidence"/>): the
/// profiled click likelihood cannot see a user's engagement level, which is where most of the
/// evidence about speed lies when nearly every click comes a tick after the topic's last one
/// (fast-forgetting.json, 5 seeds: Spearman with the true speed 0.265 without it, 0.314 with it at
/// <c>alphaPrior</c> 10, 0.352 at the default 100: the per-user click likelihood is the noisier of
/// the two, so shrinking it harder lets the dwell evidence order users; past about 1000 the fit
/// loses the click likelihood's direction and becomes unstable).
/// Global mode uses the argmax of LL_all alone.
/// The population curve is summed per shard and merged in shard order.
/// </summary>
internal sealed class AlphaGridFit : ICheckpointable
{
    public const int GridSize = 24;
    public const float MinAlpha = 0.02f;
    public const float MaxAlpha = 4f;
    public const int NoClickGridSize = 8;
    public const float MinNoClick = -5f;
    public const float MaxNoClick = 2f;
    private const int Cells = GridSize * NoClickGridSize;

    private readonly bool _perUser;
    private readonly float _shape;
    private readonly float[] _grid;
    private readonly float[] _logLikelihood;
    private readonly float[] _alpha;
    // Per-user likelihood in float: [N x 192] is the strategy's largest column (768 bytes per user).
    private readonly int[] _evidence;
    private readonly DwellEvidence _dwell;
    private readonly double[] _population = new double[Cells];
    private readonly float _prior;
    private long _populationClicks;

    public AlphaGridFit(int users, bool perUser, float alphaInit, float shape, float prior)
    {
        _perUser = perUser;
        _shape = shape;
        _prior = prior;
        _grid = Grid();
        var fits = perUser ? users : 1;
        _logLikelihood = new float[fits * Cells];
        _alpha = new float[fits];
        Array.Fill(_alpha, alphaInit);
        _evidence = new int[fits];
        _dwell = new DwellEvidence(perUser ? users : 0, GridSize);
    }

    /// <summary>The grid: MinAlpha (MaxAlpha / MinAlpha)^(k / (GridSize - 1)).</summary>
    public static float[] Grid() =>
        Enumerable.Range(0, GridSize).Select(k => MinAlpha * MathF.Pow(MaxAlpha / MinAlpha, k / (float)(GridSize - 1))).ToArray();

    /// <summary>Current alpha of a user (the global alpha in global mode).</summary>
    public float Alpha(int user) => _alpha[_perUser ? user : 0];

    /// <summary>Responses that entered the user's likelihood (global: all users').</summary>
    public int Evidence(int user) => _evidence[_perUser ? user : 0];

    /// <summary>Cumulated log-likelihood of grid value k for the user (global: the shared curve).</summary>
    public double LogLikelihood(int user, int k, int m) => _logLikelihood[((_perUser ? user : 0) * Cells) + (k * NoClickGridSize) + m];

    /// <summary>The no-click utility grid a_0.</summary>
    public static float NoClick(int m) => MinNoClick + ((MaxNoClick - MinNoClick) * m / (NoClickGridSize - 1));

    /// <summary>Adds this tick's clicks to the likelihoods and refits alpha (see the class summary).</summary>
    public void Observe(FeedbackContext ctx, StrategyContext context, BehaviourState behaviour, InterestNetwork network)
    {
        var topic = context.Catalog.Topic.Host;
        var (sum, clicks, dwellClicks) = context.Shards.Reduce(
            context.Parallel,
            (start, end) =>
            {
                var total = new double[Cells + DwellEvidence.PopulationStats];
                var n = 0;
                var clicked = 0;
                Span<double> terms = stackalloc double[Cells];
                Span<float> retained = stackalloc float[GridSize];
                for (var u = start; u < end; u++)
                {
                    if (!Terms(ctx, context, behaviour, network, u, terms))
                    {
                        continue;
                    }

                    n++;
                    for (var k = 0; k < Cells; k++)
                    {
                        total[k] += terms[k];
                    }

                    var position = ctx.ChosenPosition[u];
                    if (_perUser && position >= 0)
                    {
                        // Dwell evidence: the clicked topic's retention per grid value, and at the user's current alpha for the regression.
                        var g = topic[ctx.Slates[(u * context.K) + position]];
                        var y = DwellEvidence.LogDwell(ctx.Dwell[u]);
                        for (var a = 0; a < GridSize; a++)
                        {
                            retained[a] = behaviour.Retention(u, g, ctx.Tick, _grid[a], _shape);
                        }

                        _dwell.AddUser(u, y, retained);
                        DwellEvidence.AddPopulationTerms(total.AsSpan(Cells), y, behaviour.Retention(u, g, ctx.Tick, _alpha[u], _shape));
                        clicked++;
                    }

                    if (_perUser)
                    {
                        var ll = _logLikelihood.AsSpan(u * Cells, Cells);
                        for (var k = 0; k < Cells; k++)
                        {
                            ll[k] += (float)terms[k];
                        }

                        _evidence[u]++;
                    }
                }

                return (total, n, clicked);
            },
            (new double[Cells + DwellEvidence.PopulationStats], 0, 0),
            (all, part) =>
            {
                for (var k = 0; k < all.Item1.Length; k++)
                {
                    all.Item1[k] += part.total[k];
                }

                return (all.Item1, all.Item2 + part.n, all.Item3 + part.clicked);
            });
        _dwell.AddPopulation(sum.AsSpan(Cells), dwellClicks);
        for (var k = 0; k < Cells; k++)
        {
            _population[k] += sum[k];
        }

        _populationClicks += clicks;
        if (_populationClicks == 0)
        {
            return;
        }

        if (!_perUser)
        {
            _evidence[0] += clicks;
            _alpha[0] = _grid[ArgMax(_population) / NoClickGridSize];
            return;
        }

        var weight = _prior / _populationClicks;
        context.Shards.ForEach(context.Parallel, (start, end) =>
        {
            Span<double> posterior = stackalloc double[Cells];
            for (var u = start; u < end; u++)
            {
                if (_evidence[u] == 0)
                {
                    continue;
                }

                for (var k = 0; k < Cells; k++)
                {
                    posterior[k] = _logLikelihood[(u * Cells) + k] + (weight * _population[k]);
                }

                _alpha[u] = PosteriorMean(u, posterior);
            }
        });
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("alpha.logLikelihood", _logLikelihood);
        state.Floats("alpha.value", _alpha);
        state.Ints("alpha.evidence", _evidence);
        state.Doubles("alpha.population", _population);
        state.Value("alpha.populationClicks", ref _populationClicks);
        _dwell.ExchangeState(state);
    }

    /// <summary>
    /// Posterior mean of ln alpha under the profile likelihood (each alpha's best no-click utility) plus the
    /// user's dwell log-likelihood (<see cref="DwellEvidence"/>), back on the alpha scale: unlike the grid
    /// argmax it keeps ordering users whose maximum sits at a grid end.
    /// </summary>
    private float PosteriorMean(int user, ReadOnlySpan<double> posterior)
    {
        Span<double> profile = stackalloc double[GridSize];
        for (var a = 0; a < GridSize; a++)
        {
            var best = double.NegativeInfinity;
            for (var m = 0; m < NoClickGridSize; m++)
            {
                best = Math.Max(best, posterior[(a * NoClickGridSize) + m]);
            }

            profile[a] = best;
        }

        _dwell.AddLogLikelihood(user, profile);
        var top = double.NegativeInfinity;
        foreach (var value in profile)
        {
            top = Math.Max(top, value);
        }

        var weight = 0.0;
        var mean = 0.0;
        for (var a = 0; a < GridSize; a++)
        {
            var w = Math.Exp(profile[a] - top);
            weight += w;
            mean += w * Math.Log(_grid[a]);
        }

        return (float)Math.Exp(mean / weight);
    }

    /// <summary>First index of the largest value (ties: the smaller alpha).</summary>
    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>User u's log-likelihood term per grid pair (alpha-major) for this tick; false when the user was not active.</summary>
    private bool Terms(FeedbackContext ctx, StrategyContext context, BehaviourState behaviour, InterestNetwork network, int u, Span<double> terms)
    {
        var clicked = ctx.ChosenPosition[u];
        if (ctx.Active[u] == 0)
        {
            return false;
        }

        var d = context.Dim;
        var k = context.K;
        var items = context.Catalog.Items.Host;
        var s = network.Scale;
        Span<float> estimate = stackalloc float[d];
        Span<float> logits = stackalloc float[k];
        Span<float> preference = stackalloc float[d];
        for (var g = 0; g < d; g++)
        {
            preference[g] = behaviour.Preference(u, g);
        }

        for (var a = 0; a < GridSize; a++)
        {
            for (var g = 0; g < d; g++)
            {
                estimate[g] = preference[g] * behaviour.Retention(u, g, ctx.Tick, _grid[a], _shape);
            }

            var max = MaxNoClick;
            for (var j = 0; j < k; j++)
            {
                var item = ctx.Slates[(u * k) + j];
                var x = items.AsSpan(item * d, d);
                var dot = 0f;
                for (var g = 0; g < d; g++)
                {
                    dot += estimate[g] * x[g];
                }

                logits[j] = (s * dot) + network.PositionBias(j) + network.ItemBias(item);
                max = MathF.Max(max, logits[j]);
            }

            var sum = 0.0;
            for (var j = 0; j < k; j++)
            {
                sum += Math.Exp(logits[j] - max);
            }

            for (var m = 0; m < NoClickGridSize; m++)
            {
                var noClick = NoClick(m);
                var chosen = clicked >= 0 ? logits[clicked] : noClick;
                terms[(a * NoClickGridSize) + m] = chosen - max - Math.Log(sum + Math.Exp(noClick - max));
            }
        }

        return true;
    }
}
