using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// The sequence-model strategies (gru4rec, time-lstm, sasrec, tisasrec), the seed's "LSTM or
/// Transformer" forgetting models. Recommend at tick t, per user: u = the model's user vector from
/// the user's engagements up to t-1 and the time now (<see cref="SequenceModel.UserVector"/>), then
/// the top-k of &lt;u, E_i&gt; + c_i over live items through the engine's ScoreTopK.
/// Learn at tick t, in this order:
/// 1. Training (after <c>warmup</c> ticks): <c>steps</c> minibatches of <c>batch</c> users drawn by
///    keyed hash (inactive draws skipped); per user the window of its last L engagements is replayed
///    and the binary cross-entropy of every item it was shown this tick (clicked = 1, not clicked = 0)
///    is backpropagated through the head and the encoder (through time, truncated at L);
///    gradients summed over 4 fixed chunks in chunk order, averaged, one Adam step.
/// 2. Memory: each click (item, tick, dwell, position) joins the user's window; recurrent encoders
///    advance the user's state by one cell step.
/// The model sees only what the strategy showed and what users did; item embeddings start from the
/// catalog's observable item vectors.
/// Inference runs on the compute engine: the recurrent models' cell step (<see cref="IComputeEngine.RecurrentStep"/>,
/// for the users who clicked) and readout, the attention models' readout over each user's window
/// (<see cref="IComputeEngine.AttentionReadout"/>), the head u = W_u h + b_u as a one-layer
/// <see cref="IComputeEngine.MlpForward"/>, and ScoreTopK; the parameters are packed into the
/// engine's layout after each training step. Training (the window replays and their gradients) runs on the CPU.
/// </summary>
internal sealed class SequenceStrategy : IStrategy, IRetentionProbe
{
    /// <summary>Fixed gradient chunks per minibatch: the merge order, so results do not depend on thread count.</summary>
    public const int GradientChunks = 4;

    /// <summary>Users probed for the learned retention: the first this many (by index) with at least two clicks.</summary>
    public const int ProbeUsers = 256;

    private readonly StrategyContext _context;
    private readonly SequenceSettings _settings;
    private readonly EventHistory _history;
    private readonly SequenceModel _model;
    private readonly UserVectorScorer _scorer;
    private readonly IColumn<float> _embeddings;
    private readonly IColumn<float> _itemBias;
    private readonly EngineColumns _engine;

    public SequenceStrategy(StrategyContext context, SequenceKind kind, SequenceSettings settings)
    {
        _context = context;
        _settings = settings;
        Kind = kind;
        _history = new EventHistory(context.Users, settings.Window);
        _model = Build(kind, settings, context.Catalog.Items.Host, context.Users, context.Catalog.Count, context.Dim, context.K, context.Seed);
        _scorer = new UserVectorScorer(context);
        _embeddings = context.Engine.Bind(new float[context.Catalog.Count * context.Dim]);
        _itemBias = context.Engine.Bind(new float[context.Catalog.Count]);
        _engine = new EngineColumns(context.Engine, _model, _history, context.Users);
    }

    public SequenceKind Kind { get; }

    public string Name => NameOf(Kind);

    internal SequenceModel Model => _model;

    internal EventHistory History => _history;

    /// <summary>The scenario name of each kind.</summary>
    public static string NameOf(SequenceKind kind) => kind switch
    {
        SequenceKind.Gru4Rec => "gru4rec",
        SequenceKind.TimeLstm => "time-lstm",
        SequenceKind.SasRec => "sasrec",
        _ => "tisasrec",
    };

    /// <summary>
    /// A model of the given kind with its parameters registered and initialised: item embeddings
    /// first (from <paramref name="itemVectors"/>), then the encoder's blocks, then the head's.
    /// </summary>
    public static SequenceModel Build(SequenceKind kind, SequenceSettings settings, ReadOnlySpan<float> itemVectors, int users, int items, int dim, int k, ulong seed)
    {
        var parameters = new ParameterSet();
        var inputs = new EventInputs(parameters.From("items.embedding", itemVectors[..(items * dim)]), dim, k, settings.Window);
        SequenceEncoder encoder = kind switch
        {
            SequenceKind.Gru4Rec when settings.LstmCell => new TimeLstmEncoder(parameters, inputs, settings.Hidden, users, timeAware: false, seed),
            SequenceKind.Gru4Rec => new GruEncoder(parameters, inputs, settings.Hidden, users, seed),
            SequenceKind.TimeLstm => new TimeLstmEncoder(parameters, inputs, settings.Hidden, users, timeAware: true, seed),
            SequenceKind.SasRec => new AttentionEncoder(parameters, inputs, settings.Hidden, settings.Layers, settings.Heads, timeAware: false, seed),
            _ => new AttentionEncoder(parameters, inputs, settings.Hidden, settings.Layers, settings.Heads, timeAware: true, seed),
        };
        var model = new SequenceModel(parameters, inputs, encoder, items, k, seed);
        parameters.Seal();
        return model;
    }

    /// <summary>
    /// Host bytes a strategy of this kind allocates when built: the click windows, the recurrent
    /// state per user, the engine columns (hidden vectors, readout gaps, cell-step rows and inputs),
    /// the parameters with Adam's two moments (counted by registering the blocks of a model with no
    /// users) and their packed copy, the bound item columns and the user-vector scorer.
    /// </summary>
    public static long ResidentBytes(SequenceKind kind, SequenceSettings settings, int users, int items, int dim, int k)
    {
        var model = Build(kind, settings, new float[items * dim], 0, items, dim, k, 0);
        var parameters = (long)model.Parameters.Count;
        var statePerUser = 4L * model.Encoder.StateWidth;
        var historyPerUser = (EventHistory.BytesPerEvent * (long)settings.Window) + 4;
        // The scorer's vectors; its top-k scores are the seed's shared scratch (StrategyScratch.SlateScores).
        var scorerPerUser = 4L * dim;
        var enginePerUser = EngineColumns.BytesPerUser(model.Encoder, model.Inputs.Width);
        return ((long)users * (historyPerUser + statePerUser + scorerPerUser + enginePerUser)) + (12L * parameters) + (4L * model.Encoder.PackedLength) + (4L * items * (dim + 1));
    }

    public void Recommend(RecommendContext ctx)
    {
        _model.Embeddings.CopyTo(_embeddings.Host);
        _model.ItemBiases.CopyTo(_itemBias.Host);
        _embeddings.Upload();
        _itemBias.Upload();
        _engine.Pack(_model);
        var engine = _context.Engine;
        var users = _context.Users;
        if (_model.Encoder is IRecurrentEncoder recurrent)
        {
            var tau = _engine.Tau.Host;
            _context.Shards.ForEach(_context.Parallel, (start, end) =>
            {
                for (var u = start; u < end; u++)
                {
                    var last = _history.LastTick(u);
                    tau[u] = last < 0 ? 0f : DenseMath.TimeFeature(ctx.Tick - last);
                }
            });
            _engine.Tau.Upload();
            engine.RecurrentReadout(new RecurrentReadoutOperands(users, recurrent.Layout, _engine.Packed, _engine.State!, _engine.Output, _engine.Tau, _engine.Hidden));
        }
        else
        {
            var attention = (AttentionEncoder)_model.Encoder;
            _engine.UploadHistory();
            engine.AttentionReadout(new AttentionReadoutOperands(
                users, attention.Layout, _engine.Packed, _embeddings, _engine.Items!, _engine.Ticks!, _engine.LogDwell!, _engine.Positions!, _engine.Counts!, ctx.Tick, _engine.Hidden));
        }

        engine.MlpForward(new MlpOperands(users, [_engine.Head], _engine.Hidden, _scorer.Vectors));
        _scorer.ScoreResident(ctx.Slates, _itemBias, _embeddings);
    }

    public void Learn(FeedbackContext ctx)
    {
        if (ctx.Tick >= _settings.Warmup)
        {
            for (var step = 0; step < _settings.Steps; step++)
            {
                Train(ctx, step);
            }
        }

        Remember(ctx);
    }

    /// <summary>
    /// The learned retention (time-aware kinds only; null for the time-blind twins, whose scores do
    /// not depend on the gap): per probed user, the mean click probability at slate position 0 of the
    /// items of the latest click's topic, with "now" set <c>gap</c> ticks after that click, over the
    /// same at gap 0; averaged over users.
    /// </summary>
    public double[]? ProbeRetention(IReadOnlyList<int> gaps)
    {
        if (Kind is SequenceKind.Gru4Rec or SequenceKind.SasRec)
        {
            return null;
        }

        _engine.DownloadState();
        var d = _context.Dim;
        var topic = _context.Catalog.Topic.Host;
        var live = _context.Catalog.LiveCount;
        var embeddings = _model.Embeddings;
        var bias = _model.ItemBiases;
        var position = _model.PositionBias(0);
        var scratch = _model.CreateScratch();
        var u = new float[d];
        var sum = new double[gaps.Count];
        var probed = 0;
        for (var user = 0; user < _context.Users && probed < ProbeUsers; user++)
        {
            if (_history.Count(user) < 2)
            {
                continue;
            }

            var last = _history.At(user, _history.Length(user) - 1);
            var engaged = topic[last.Item];
            var curve = new double[gaps.Count];
            for (var g = 0; g < gaps.Count; g++)
            {
                _model.UserVector(user, _history, last.Tick + gaps[g], u, scratch);
                double total = 0;
                var count = 0;
                for (var i = 0; i < live; i++)
                {
                    if (topic[i] == engaged)
                    {
                        total += DenseMath.Sigmoid(DenseMath.Dot(u, embeddings.Slice(i * d, d)) + bias[i] + position);
                        count++;
                    }
                }

                curve[g] = total / count;
            }

            for (var g = 0; g < gaps.Count; g++)
            {
                sum[g] += curve[g] / curve[0];
            }

            probed++;
        }

        return probed == 0 ? null : sum.Select(x => x / probed).ToArray();
    }

    /// <summary>The engine advanced the recurrent state: it is read back before a checkpoint is written and sent again after one is read.</summary>
    public void ExchangeState(StateExchange state)
    {
        _history.ExchangeState(state);
        _engine.DownloadState();
        _model.ExchangeState(state);
        _engine.UploadState();
        _engine.Invalidate();
    }

    public void Dispose()
    {
        _engine.Dispose();
        _scorer.Dispose();
        _embeddings.Dispose();
        _itemBias.Dispose();
    }

    /// <summary>One minibatch: users drawn by keyed hash, gradients per fixed chunk merged in chunk order, one Adam step.</summary>
    private void Train(FeedbackContext ctx, int step)
    {
        var batch = _settings.Batch;
        var chunk = (batch + GradientChunks - 1) / GradientChunks;
        var length = _model.Parameters.Count;
        var gradients = new float[GradientChunks][];
        var counts = new int[GradientChunks];
        var k = _context.K;
        Parallel.For(0, GradientChunks, _context.Parallel, c =>
        {
            var gradient = new float[length];
            var scratch = _model.CreateScratch();
            var count = 0;
            for (var j = c * chunk; j < Math.Min(batch, (c + 1) * chunk); j++)
            {
                var u = (int)(KeyedRandom.Bits(_context.Seed, RandomStreams.StrategySequenceMinibatch, (uint)step, (uint)ctx.Tick, (uint)j) % (ulong)_context.Users);
                if (ctx.Active[u] == 0)
                {
                    continue;
                }

                _model.Loss(u, _history, ctx.Tick, ctx.Slates.AsSpan(u * k, k), ctx.ChosenPosition[u], gradient, scratch);
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

        var merged = gradients[0];
        for (var c = 1; c < GradientChunks; c++)
        {
            var gradient = gradients[c];
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

        _model.Parameters.Step(merged, _settings.LearningRate);
    }

    /// <summary>
    /// Each click joins its user's window; recurrent encoders advance the state of the users who
    /// clicked with one engine cell step (rows in user order, inputs built from the new parameters).
    /// </summary>
    private void Remember(FeedbackContext ctx)
    {
        var k = _context.K;
        var clicked = 0;
        for (var u = 0; u < _context.Users; u++)
        {
            var position = ctx.ChosenPosition[u];
            if (position < 0)
            {
                continue;
            }

            _history.Add(u, ctx.Slates[(u * k) + position], ctx.Tick, ctx.Dwell[u], position);
            _engine.Rows.Host[clicked++] = u;
        }

        if (_model.Encoder is not IRecurrentEncoder recurrent || clicked == 0)
        {
            return;
        }

        _engine.Pack(_model);
        var parameters = _model.Parameters.Values;
        var width = _model.Inputs.Width;
        var rows = _engine.Rows.Host;
        var inputs = _engine.Inputs!.Host;
        var tau = _engine.StepTau!.Host;
        Parallel.For(0, (clicked + 4095) / 4096, _context.Parallel, chunk =>
        {
            for (var r = chunk * 4096; r < Math.Min(clicked, (chunk + 1) * 4096); r++)
            {
                var u = rows[r];
                _model.Inputs.Build(parameters, _history.At(u, _history.Length(u) - 1), inputs.AsSpan(r * width, width));
                tau[r] = recurrent.NewestGap(u, _history);
            }
        });
        _engine.Rows.Upload();
        _engine.Inputs.Upload();
        _engine.StepTau.Upload();
        _context.Engine.RecurrentStep(new RecurrentStepOperands(clicked, recurrent.Layout, _engine.Packed, _engine.Rows, _engine.Inputs, _engine.StepTau, _engine.State!, _engine.Output));
    }
}
