using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// A sequence model's parameters and its click model around an encoder. The user vector is
/// u = W_u h_now + b_u (width d); an item i shown at slate position j is clicked with probability
/// sigmoid(&lt;u, E_i&gt; + c_i + p_j): learned item embeddings E [M x d] (initialised from the catalog's
/// observable item vectors and shared with the encoder's inputs), item biases c and position biases
/// p. Items are ranked by &lt;u, E_i&gt; + c_i. The loss of one user's slate is the binary
/// cross-entropy of every shown item (clicked = 1, shown and not clicked = 0).
/// </summary>
internal sealed class SequenceModel : ICheckpointable
{
    private readonly ParameterSet.Block _itemBias;
    private readonly ParameterSet.Block _positionBias;
    private readonly ParameterSet.Block _wu;
    private readonly ParameterSet.Block _bu;

    public SequenceModel(ParameterSet parameters, EventInputs inputs, SequenceEncoder encoder, int items, int k, ulong seed)
    {
        Parameters = parameters;
        Inputs = inputs;
        Encoder = encoder;
        Items = items;
        K = k;
        var d = inputs.Dim;
        _itemBias = parameters.Constant("head.item.bias", items, 0f);

        // -2 makes the first click probabilities of the order a slate's real ones have (about 0.1).
        _positionBias = parameters.Constant("head.position.bias", k, -2f);
        _wu = parameters.Normal("head.w", d * encoder.Hidden, 1f / MathF.Sqrt(encoder.Hidden), seed);
        _bu = parameters.Constant("head.b", d, 0f);
    }

    public ParameterSet Parameters { get; }

    public EventInputs Inputs { get; }

    public SequenceEncoder Encoder { get; }

    public int Items { get; }

    public int K { get; }

    public int Dim => Inputs.Dim;

    /// <summary>The item embeddings E [M x d] (a view into the parameters).</summary>
    public ReadOnlySpan<float> Embeddings => Inputs.Embeddings.Of(Parameters.Values);

    public ReadOnlySpan<float> ItemBiases => _itemBias.Of(Parameters.Values);

    /// <summary>The learned bias of slate position j.</summary>
    public float PositionBias(int j) => _positionBias.Of(Parameters.Values)[j];

    /// <summary>The head u = W_u h + b_u in the engine's layout: W_u^T [Hidden x d] (input-major) and b_u.</summary>
    public void HeadWeights(Span<float> weights, Span<float> bias)
    {
        var p = Parameters.Values;
        var w = _wu.Of(p);
        var hidden = Encoder.Hidden;
        for (var o = 0; o < Dim; o++)
        {
            for (var i = 0; i < hidden; i++)
            {
                weights[(i * Dim) + o] = w[(o * hidden) + i];
            }
        }

        _bu.Of(p).CopyTo(bias);
    }

    public Scratch CreateScratch() => new(Encoder.CreateScratch(), Encoder.Hidden, Dim, K);

    /// <summary>The user vector u for recommending at tick <paramref name="now"/>.</summary>
    public void UserVector(int user, EventHistory history, int now, Span<float> u, Scratch scratch)
    {
        var p = Parameters.Values;
        var h = scratch.Hidden.AsSpan(0, Encoder.Hidden);
        Encoder.Readout(user, history, now, p, h, scratch.Encoder);
        DenseMath.Affine(_wu.Of(p), _bu.Of(p), h, u);
    }

    /// <summary>
    /// The loss of the user's slate at tick <paramref name="now"/> (position <paramref name="chosen"/>
    /// clicked, -1 none) and, when <paramref name="gradient"/> is given, its gradient added into it.
    /// The forward pass replays the window (<see cref="SequenceEncoder.Forward"/>).
    /// </summary>
    public float Loss(int user, EventHistory history, int now, ReadOnlySpan<int> slate, int chosen, float[]? gradient, Scratch scratch)
    {
        var p = Parameters.Values;
        var d = Dim;
        var h = scratch.Hidden.AsSpan(0, Encoder.Hidden);
        var u = scratch.User.AsSpan(0, d);
        Encoder.Forward(user, history, now, p, h, scratch.Encoder);
        DenseMath.Affine(_wu.Of(p), _bu.Of(p), h, u);
        var embeddings = Inputs.Embeddings.Of(p);
        var itemBias = _itemBias.Of(p);
        var positionBias = _positionBias.Of(p);
        var du = scratch.DUser.AsSpan(0, d);
        du.Clear();
        var loss = 0f;
        for (var j = 0; j < slate.Length; j++)
        {
            var item = slate[j];
            var e = embeddings.Slice(item * d, d);
            var logit = DenseMath.Dot(u, e) + itemBias[item] + positionBias[j];
            var y = j == chosen ? 1f : 0f;

            // BCE from the logit: softplus(logit) - y logit, stable for any sign.
            loss += DenseMath.Softplus(logit) - (y * logit);
            if (gradient is null)
            {
                continue;
            }

            var g = DenseMath.Sigmoid(logit) - y;
            DenseMath.AddScaled(e, g, du);
            DenseMath.AddScaled(u, g, Inputs.Embeddings.Of(gradient).Slice(item * d, d));
            _itemBias.Of(gradient)[item] += g;
            _positionBias.Of(gradient)[j] += g;
        }

        if (gradient is not null)
        {
            var dh = scratch.DHidden.AsSpan(0, Encoder.Hidden);
            dh.Clear();
            DenseMath.AffineBackward(_wu.Of(p), h, du, _wu.Of(gradient), _bu.Of(gradient), dh);
            Encoder.Backward(p, dh, gradient, scratch.Encoder);
        }

        return loss;
    }

    public void ExchangeState(StateExchange state)
    {
        Parameters.ExchangeState(state);
        Encoder.ExchangeState(state);
    }

    /// <summary>Per-thread buffers: the encoder's and the head's.</summary>
    internal sealed class Scratch(EncoderScratch encoder, int hidden, int dim, int k)
    {
        public EncoderScratch Encoder { get; } = encoder;

        public float[] Hidden { get; } = new float[hidden];

        public float[] DHidden { get; } = new float[hidden];

        public float[] User { get; } = new float[dim];

        public float[] DUser { get; } = new float[dim];

        public int K { get; } = k;
    }
}
