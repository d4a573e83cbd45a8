using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// The seed's model and its ablations (mlp-forgetting, mlp-global-alpha, mlp-static).
/// Recommend at tick t, per user: behaviour features f = [S_g R_g, D_g R_g, R_g] (see
/// <see cref="BehaviourState"/>) with R_g = R(t - L_g; alpha_u) the sigmoid retention of
/// <see cref="SigmoidRetention"/>; interest embedding I = e + MLP(f) + n with e_g = S_g R_g
/// (<see cref="InterestNetwork"/>, forward pass through the compute engine); score = &lt;I, x_i&gt;, top-k.
/// Learn at tick t, in this order:
/// 1. Network (after <c>warmup</c> ticks): <c>steps</c> minibatches of <c>batch</c> users drawn by
///    keyed hash from the population (inactive draws are skipped); BCE of the click model over
///    every shown item; gradients summed over 4 fixed chunks in chunk order, averaged, one Adam step.
/// 2. Forgetting coefficient (per user, or one global alpha): dL/dalpha of the same BCE through
///    the estimate e only (the features are held fixed: a stop-gradient), dL/de_g = sum_j (p_j - y_j) s x_jg
///    and de_g/dalpha = S_g dR/dalpha(t - L_g); one Adam step on log alpha per active user with an
///    engaged topic (global: the mean gradient over those users, summed per shard in shard order),
///    log alpha clamped to [ln 0.01, ln 5]. Users who re-click topics long after engaging them pull
///    their alpha down; users who ignore a topic soon after engaging it push it up.
/// 3. Behaviour: a click on an item of topic g applies S_g &lt;- S_g r + eta (1 - S_g r), D_g &lt;- ln(1 + dwell), L_g &lt;- t.
/// mlp-static uses R = 1 (no forgetting, no time in the features) and skips step 2.
/// </summary>
public sealed class MlpInterestStrategy : IStrategy, IInterestEstimator, IForgettingEstimator, ICheckpointable
{
    /// <summary>Fixed gradient chunks per minibatch: the merge order, so results do not depend on thread count.</summary>
    public const int GradientChunks = 4;

    /// <summary>Clicks a user needs before the fitted alpha is reported (parameter recovery).</summary>
    public const int ReportAfterClicks = 2;

    private static readonly float MinLogAlpha = MathF.Log(0.01f);
    private static readonly float MaxLogAlpha = MathF.Log(5f);

    private readonly StrategyContext _context;
    private readonly ForgettingMode _mode;
    private readonly MlpSettings _settings;
    private readonly BehaviourState _behaviour;
    private readonly InterestNetwork _network;
    private readonly UserVectorScorer _scorer;
    private readonly IColumn<float> _features;
    private readonly IColumn<float> _output;
    private readonly float[] _estimate;
    private readonly float[] _noise;
    private readonly float[] _logAlpha;
    private readonly int[] _alphaSteps;
    private readonly AdamOptimizer _alphaAdam;
    private readonly float[] _fitted;

    public MlpInterestStrategy(StrategyContext context, ForgettingMode mode, MlpSettings settings)
    {
        _context = context;
        _mode = mode;
        _settings = settings;
        var n = context.Users;
        var d = context.Dim;
        _behaviour = new BehaviourState(n, d);
        _network = new InterestNetwork(context.Engine, _behaviour.FeatureWidth, settings.Hidden, d, context.K, context.Seed);
        _scorer = new UserVectorScorer(context);
        _features = context.Engine.Bind(new float[n * _behaviour.FeatureWidth]);
        _output = context.Engine.Bind(new float[n * d]);
        _estimate = new float[n * d];
        _noise = new float[n * d];
        for (var u = 0; u < n; u++)
        {
            UserVectorScorer.ColdStart(context, u, _noise.AsSpan(u * d, d), 0.01f);
        }

        var alphas = mode == ForgettingMode.PerUser ? n : 1;
        _logAlpha = new float[alphas];
        Array.Fill(_logAlpha, MathF.Log(settings.AlphaInit));
        _alphaSteps = new int[alphas];
        _alphaAdam = new AdamOptimizer("alpha", alphas);
        _fitted = new float[mode == ForgettingMode.PerUser ? n : 0];
        Array.Fill(_fitted, float.NaN);
    }

    public string Name => _mode switch
    {
        ForgettingMode.None => "mlp-static",
        ForgettingMode.Global => "mlp-global-alpha",
        _ => "mlp-forgetting",
    };

    /// <summary>The interest embedding I per user [N x d] at the latest recommendation.</summary>
    public float[] InterestEstimate => _scorer.Vectors.Host;

    /// <summary>Fitted alpha per user (per-user mode; empty otherwise), NaN before <see cref="ReportAfterClicks"/> clicks.</summary>
    public ReadOnlySpan<float> FittedForgettingRate => _fitted;

    /// <summary>Current alpha of a user (the global alpha in global mode; 0 without forgetting).</summary>
    public float Alpha(int user) => _mode switch
    {
        ForgettingMode.None => 0f,
        ForgettingMode.Global => MathF.Exp(_logAlpha[0]),
        _ => MathF.Exp(_logAlpha[user]),
    };

    internal BehaviourState Behaviour => _behaviour;

    internal InterestNetwork Network => _network;

    public void Recommend(RecommendContext ctx)
    {
        var d = _context.Dim;
        var f = _behaviour.FeatureWidth;
        var features = _features.Host;
        var forgets = _mode != ForgettingMode.None;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var e = _estimate.AsSpan(u * d, d);
                _behaviour.Features(u, ctx.Tick, Alpha(u), _settings.Shape, forgets, features.AsSpan(u * f, f), e);
                var noise = _noise.AsSpan(u * d, d);
                for (var g = 0; g < d; g++)
                {
                    e[g] += noise[g];
                }
            }
        });
        _network.Forward(_context.Users, _features, _output);
        var vectors = _scorer.Vectors.Host;
        var output = _output.Host;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var i = start * d; i < end * d; i++)
            {
                vectors[i] = _estimate[i] + output[i];
            }
        });
        _scorer.Score(ctx.Slates);
    }

    public void Learn(FeedbackContext ctx)
    {
        if (ctx.Tick >= _settings.Warmup)
        {
            for (var step = 0; step < _settings.Steps; step++)
            {
                TrainNetwork(ctx, step);
            }
        }

        if (_mode != ForgettingMode.None)
        {
            FitAlpha(ctx);
        }

        Remember(ctx);
    }

    public void ExchangeState(StateExchange state)
    {
        _behaviour.ExchangeState(state);
        _network.ExchangeState(state);
        state.Floats("alpha.log", _logAlpha);
        state.Ints("alpha.steps", _alphaSteps);
        _alphaAdam.ExchangeState(state);
        state.Floats("alpha.fitted", _fitted);
    }

    public void Dispose()
    {
        _network.Dispose();
        _scorer.Dispose();
        _features.Dispose();
        _output.Dispose();
    }

    /// <summary>One minibatch: users drawn by keyed hash, gradients per fixed chunk merged in chunk order, one Adam step.</summary>
    private void TrainNetwork(FeedbackContext ctx, int step)
    {
        var batch = _settings.Batch;
        var chunk = (batch + GradientChunks - 1) / GradientChunks;
        var length = _network.ParameterCount;
        var gradients = new float[GradientChunks][];
        var counts = new int[GradientChunks];
        Parallel.For(0, GradientChunks, _context.Parallel, c =>
        {
            var gradient = new float[length];
            var scratch = new float[_network.ScratchLength];
            var shown = new float[_context.K * _context.Dim];
            var count = 0;
            for (var j = c * chunk; j < Math.Min(batch, (c + 1) * chunk); j++)
            {
                var u = (int)(KeyedRandom.Bits(_context.Seed, RandomStreams.StrategyMinibatch, (uint)step, (uint)ctx.Tick, (uint)j) % (ulong)_context.Users);
                if (ctx.Active[u] == 0)
                {
                    continue;
                }

                Shown(ctx, u, shown);
                var d = _context.Dim;
                var f = _behaviour.FeatureWidth;
                _network.AccumulateGradient(
                    _features.Host.AsSpan(u * f, f), _estimate.AsSpan(u * d, d), shown, ctx.ChosenPosition[u], gradient, scratch);
                count++;
            }

            gradients[c] = gradient;
            counts[c] = count;
        });
        var total = counts.Sum();
        if (total == 0)
        {
            return;
        }

        var merged = new float[length];
        foreach (var gradient in gradients)
        {
            for (var i = 0; i < length; i++)
            {
                merged[i] += gradient[i];
            }
        }

        var inverse = 1f / total;
        for (var i = 0; i < length; i++)
        {
            merged[i] *= inverse;
        }

        _network.Step(merged, _settings.LearningRate);
    }

    /// <summary>Fits alpha by gradient through the decayed estimate (per user, or the global alpha).</summary>
    private void FitAlpha(FeedbackContext ctx)
    {
        if (_mode == ForgettingMode.PerUser)
        {
            _context.Shards.ForEach(_context.Parallel, (start, end) =>
            {
                for (var u = start; u < end; u++)
                {
                    if (ctx.Active[u] == 0 || !AlphaGradient(ctx, u, out var gradient))
                    {
                        continue;
                    }

                    var step = ++_alphaSteps[u];
                    _logAlpha[u] = Math.Clamp(_alphaAdam.StepOne(u, _logAlpha[u], gradient, _settings.AlphaRate, step), MinLogAlpha, MaxLogAlpha);
                    if (_behaviour.Clicks[u] >= ReportAfterClicks)
                    {
                        _fitted[u] = MathF.Exp(_logAlpha[u]);
                    }
                }
            });
            return;
        }

        var (sum, count) = _context.Shards.Reduce(
            _context.Parallel,
            (start, end) =>
            {
                var s = 0.0;
                var n = 0;
                for (var u = start; u < end; u++)
                {
                    if (ctx.Active[u] != 0 && AlphaGradient(ctx, u, out var gradient))
                    {
                        s += gradient;
                        n++;
                    }
                }

                return (s, n);
            },
            (0.0, 0),
            (total, part) => (total.Item1 + part.s, total.Item2 + part.n));
        if (count > 0)
        {
            var step = ++_alphaSteps[0];
            _logAlpha[0] = Math.Clamp(_alphaAdam.StepOne(0, _logAlpha[0], (float)(sum / count), _settings.AlphaRate, step), MinLogAlpha, MaxLogAlpha);
        }
    }

    /// <summary>
    /// dL/dlog(alpha) of user u's BCE through e: sum_g (sum_j (p_j - y_j) s x_jg) S_g dR/dalpha(t - L_g) alpha.
    /// False when no engaged topic depends on alpha.
    /// </summary>
    internal bool AlphaGradient(FeedbackContext ctx, int u, out float gradient)
    {
        var d = _context.Dim;
        var k = _context.K;
        var items = _context.Catalog.Items.Host;
        var vector = _scorer.Vectors.Host.AsSpan(u * d, d);
        var alpha = Alpha(u);
        var s = _network.Scale;
        Span<float> sensitivity = stackalloc float[d];
        var any = false;
        for (var g = 0; g < d; g++)
        {
            var last = _behaviour.LastEngaged[(u * d) + g];
            sensitivity[g] = last < 0 ? 0f : _behaviour.Strength[(u * d) + g] * SigmoidRetention.RetainGradient(ctx.Tick - last, alpha, _settings.Shape);
            any |= sensitivity[g] != 0f;
        }

        gradient = 0f;
        if (!any)
        {
            return false;
        }

        var clicked = ctx.ChosenPosition[u];
        for (var j = 0; j < k; j++)
        {
            var x = items.AsSpan(ctx.Slates[(u * k) + j] * d, d);
            var dot = 0f;
            var through = 0f;
            for (var g = 0; g < d; g++)
            {
                dot += vector[g] * x[g];
                through += sensitivity[g] * x[g];
            }

            var p = 1f / (1f + MathF.Exp(-((s * dot) + _network.PositionBias(j))));
            gradient += (p - (j == clicked ? 1f : 0f)) * s * through;
        }

        gradient *= alpha;
        return true;
    }

    /// <summary>Applies the behaviour update rule for this tick's clicks.</summary>
    private void Remember(FeedbackContext ctx)
    {
        var k = _context.K;
        var topic = _context.Catalog.Topic.Host;
        var forgets = _mode != ForgettingMode.None;
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
                _behaviour.Engage(u, topic[item], ctx.Tick, ctx.Dwell[u], Alpha(u), _settings.Shape, _settings.Reinforcement, forgets);
            }
        });
    }

    private void Shown(FeedbackContext ctx, int u, Span<float> shown)
    {
        var k = _context.K;
        var d = _context.Dim;
        var items = _context.Catalog.Items.Host;
        for (var j = 0; j < k; j++)
        {
            items.AsSpan(ctx.Slates[(u * k) + j] * d, d).CopyTo(shown.Slice(j * d, d));
        }
    }
}
