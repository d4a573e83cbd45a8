using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// The seed's model and its ablations (mlp-forgetting, mlp-global-alpha, mlp-static).
/// Recommend at tick t, per user: behaviour features f = [S_g R_g, D_g R_g, R_g] (see
/// <see cref="BehaviourState"/>) with R_g = R(t - L_g; alpha_u) the sigmoid retention of
/// <see cref="AlphaRetention"/>; interest embedding I = e + MLP(f) + n with e_g = S_g R_g
/// (<see cref="InterestNetwork"/>, forward pass through the compute engine); score = &lt;I, x_i&gt;, top-k.
/// Learn at tick t, in this order:
/// 1. Network (after <c>warmup</c> ticks): <c>steps</c> minibatches of <c>batch</c> users drawn by
///    keyed hash from the population (inactive draws are skipped); BCE of the click model over
///    every shown item; gradients summed over 4 fixed chunks in chunk order, averaged, one Adam step.
/// 2. Forgetting coefficient (per user, or one global alpha): likelihood on a log-spaced grid
///    (<see cref="AlphaGridFit"/>) of the user's responses to every slate, with the click model's current
///    parameters, and per user the log dwell of each click against the clicked topic's retention
///    (<see cref="DwellEvidence"/>); per user the posterior mean of ln alpha (shrunk toward the population), globally the argmax.
/// 3. Behaviour: a click on an item of topic g applies S_g &lt;- S_g r + eta (1 - S_g r), D_g &lt;- ln(1 + dwell), L_g &lt;- t.
/// Items are ranked by s &lt;I, x_i&gt; + c_i (learned scale and item bias of the click model).
/// mlp-static, the time-blind twin, is the same model with every gap counted in the user's clicks
/// since the topic's last click instead of ticks (<see cref="BehaviourState.TimeBlind"/>): order
/// without time, as gru4rec and sasrec see it; its alpha is fitted the same way but is not a
/// forgetting speed, so only mlp-forgetting reports it.
/// </summary>
internal sealed class MlpInterestStrategy : IStrategy, IInterestEstimator, IForgettingEstimator, ICheckpointable
{
    /// <summary>Fixed gradient chunks per minibatch: the merge order, so results do not depend on thread count.</summary>
    public const int GradientChunks = 4;

    /// <summary>Clicks a user needs before the fitted alpha is reported (parameter recovery).</summary>
    public const int ReportAfterClicks = 2;

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
    private readonly IColumn<float> _estimateColumn;
    private readonly IColumn<float> _noiseColumn;
    private readonly bool _ownsFeatures;
    private readonly bool _ownsOutput;
    private readonly bool _ownsEstimate;
    private readonly bool _ownsNoise;
    private readonly AlphaGridFit _fit;
    private readonly IColumn<float> _itemBias;
    private readonly float[] _fitted;

    public MlpInterestStrategy(StrategyContext context, ForgettingMode mode, MlpSettings settings)
    {
        _context = context;
        _mode = mode;
        _settings = settings;
        var n = context.Users;
        var d = context.Dim;
        _behaviour = new BehaviourState(n, d, timeBlind: mode == ForgettingMode.TimeBlind);
        _network = new InterestNetwork(context.Engine, _behaviour.FeatureWidth, settings.Hidden, d, context.K, context.Catalog.Count, context.Seed);
        _itemBias = context.Engine.Bind(new float[context.Catalog.Count]);
        _scorer = new UserVectorScorer(context, rebuiltVectors: true);
        // Features, output and estimate are rewritten for every user in each Recommend and read only
        // until the end of this world's turn in the tick; the cold-start vectors are the same in every
        // world (keyed by the seed and the user): the seed's mlp strategies share all four.
        _features = context.ScratchOrOwn(StrategyScratch.MlpFeatures, _behaviour.FeatureWidth, out _ownsFeatures);
        _output = context.ScratchOrOwn(StrategyScratch.MlpOutput, d, out _ownsOutput);
        _estimateColumn = context.ScratchOrOwn(StrategyScratch.MlpEstimate, d, out _ownsEstimate);
        _estimate = _estimateColumn.Host;
        _noiseColumn = context.ScratchOrOwn(StrategyScratch.ColdStartNoise, d, out _ownsNoise);
        _noise = _noiseColumn.Host;
        for (var u = 0; u < n; u++)
        {
            UserVectorScorer.ColdStart(context, u, _noise.AsSpan(u * d, d), 0.01f);
        }

        _fit = new AlphaGridFit(n, perUser: mode != ForgettingMode.Global, settings.AlphaInit, settings.Shape, settings.AlphaPrior);
        _fitted = new float[mode == ForgettingMode.PerUser ? n : 0];
        Array.Fill(_fitted, float.NaN);
    }

    public string Name => _mode switch
    {
        ForgettingMode.TimeBlind => "mlp-static",
        ForgettingMode.Global => "mlp-global-alpha",
        _ => "mlp-forgetting",
    };

    /// <summary>
    /// The explicit interest estimate per user [N x d] at the latest recommendation: the decayed
    /// strengths e_g = S_g R_g (plus the small cold-start vector). The scoring embedding I adds the
    /// network's correction, which carries an item-independent offset (absorbed by the click
    /// model's biases) and so is not comparable with the true interest by cosine.
    /// </summary>
    public float[] InterestEstimate => _estimate;

    /// <summary>Fitted alpha per user (per-user mode; empty otherwise), NaN before <see cref="ReportAfterClicks"/> clicks.</summary>
    public ReadOnlySpan<float> FittedForgettingRate => _fitted;

    /// <summary>Current alpha of a user (the global alpha in global mode; 0 without forgetting).</summary>
    public float Alpha(int user) => _fit.Alpha(user);

    internal BehaviourState Behaviour => _behaviour;

    internal InterestNetwork Network => _network;

    public void Recommend(RecommendContext ctx)
    {
        var d = _context.Dim;
        var f = _behaviour.FeatureWidth;
        var features = _features.Host;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var e = _estimate.AsSpan(u * d, d);
                _behaviour.Features(u, ctx.Tick, Alpha(u), _settings.Shape, features.AsSpan(u * f, f), e);
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
        var scale = MathF.Max(_network.Scale, 0.1f);
        var bias = _itemBias.Host;
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] = _network.ItemBias(i) / scale;
        }

        _itemBias.Upload();
        _scorer.Score(ctx.Slates, _itemBias);
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

        _fit.Observe(ctx, _context, _behaviour, _network);

        // Only mlp-forgetting's alpha is a forgetting speed; mlp-static's is a level without time.
        if (_mode == ForgettingMode.PerUser)
        {
            _context.Shards.ForEach(_context.Parallel, (start, end) =>
            {
                for (var u = start; u < end; u++)
                {
                    _fitted[u] = _behaviour.Clicks[u] + (ctx.ChosenPosition[u] >= 0 ? 1 : 0) >= ReportAfterClicks ? _fit.Alpha(u) : float.NaN;
                }
            });
        }

        Remember(ctx);
    }

    public void ExchangeState(StateExchange state)
    {
        _behaviour.ExchangeState(state);
        _network.ExchangeState(state);
        _fit.ExchangeState(state);
        state.Floats("alpha.fitted", _fitted);
    }

    public void Dispose()
    {
        _network.Dispose();
        _scorer.Dispose();
        _itemBias.Dispose();
        foreach (var (column, owned) in new[] { (_features, _ownsFeatures), (_output, _ownsOutput), (_estimateColumn, _ownsEstimate), (_noiseColumn, _ownsNoise) })
        {
            if (owned)
            {
                column.Dispose();
            }
        }
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
                    _features.Host.AsSpan(u * f, f), _estimate.AsSpan(u * d, d), ctx.Slates.AsSpan(u * _context.K, _context.K), shown, ctx.ChosenPosition[u], gradient, scratch);
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

    /// <summary>Applies the behaviour update rule for this tick's clicks.</summary>
    private void Remember(FeedbackContext ctx)
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

                var item = ctx.Slates[(u * k) + position];
                _behaviour.Engage(u, topic[item], ctx.Tick, ctx.Dwell[u], Alpha(u), _settings.Shape, _settings.Reinforcement);
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
