using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// The seed model's feature extractor and click model. Forward (all users, through the compute
/// engine): o = W2 relu(W1 f + b1) + b2, f the user's behaviour features [F], o [d]; the interest
/// embedding is I = e + o + n with e the decayed interest estimate (a residual: the network learns
/// corrections to it) and n a small fixed per-user cold-start vector. Click model for item i at
/// slate position j: P(click) = sigmoid(s &lt;I, x_i&gt; + b_j + c_i), with a learned scale s, per-position
/// biases b_j (which absorb position bias) and per-item biases c_i (which learn item quality).
/// Items are ranked by s &lt;I, x_i&gt; + c_i. Training: binary cross-entropy over every shown item
/// of a minibatch of users, gradients by backpropagation on the CPU, one Adam step per minibatch.
/// W2 starts at zero, so before training the model scores by the decayed estimate alone.
/// Layout: W1 [F x H] and W2 [H x d] input-major (the engine's MlpLayer convention).
/// </summary>
internal sealed class InterestNetwork : ICheckpointable, IDisposable
{
    private readonly IComputeEngine _engine;
    private readonly IColumn<float> _w1;
    private readonly IColumn<float> _b1;
    private readonly IColumn<float> _w2;
    private readonly IColumn<float> _b2;
    private readonly float[] _head;
    private readonly AdamOptimizer[] _adam;
    private long _steps;

    public InterestNetwork(IComputeEngine engine, int inputs, int hidden, int dim, int k, int items, ulong seed)
    {
        Items = items;
        _engine = engine;
        Inputs = inputs;
        Hidden = hidden;
        Dim = dim;
        K = k;
        var w1 = new float[inputs * hidden];
        var scale = MathF.Sqrt(2f / inputs);
        for (var i = 0; i < w1.Length; i++)
        {
            w1[i] = scale * KeyedRandom.Normal(seed, RandomStreams.StrategyNetworkInit, 0, 0, (uint)i);
        }

        _w1 = engine.Bind(w1);
        _b1 = engine.Bind(new float[hidden]);
        _w2 = engine.Bind(new float[hidden * dim]);
        _b2 = engine.Bind(new float[dim]);

        // Head: [s, b_0 .. b_{k-1}, c_0 .. c_{M-1}]; s = 5 and b = -2 give click probabilities of the right order at the start.
        _head = new float[1 + k + items];
        _head[0] = 5f;
        _head.AsSpan(1, k).Fill(-2f);
        _adam = [new("w1", w1.Length), new("b1", hidden), new("w2", hidden * dim), new("b2", dim), new("head", _head.Length)];
        Layers = [new MlpLayer(_w1, _b1, inputs, hidden, Activation.Relu), new MlpLayer(_w2, _b2, hidden, dim, Activation.Linear)];
        Upload();
    }

    public int Inputs { get; }

    public int Hidden { get; }

    public int Dim { get; }

    public int K { get; }

    /// <summary>Catalog size M (one learned bias per item).</summary>
    public int Items { get; }

    /// <summary>Gradient length: W1, b1, W2, b2, head, in that order.</summary>
    public int ParameterCount => (Inputs * Hidden) + Hidden + (Hidden * Dim) + Dim + 1 + K + Items;

    /// <summary>Learned click-model scale s.</summary>
    public float Scale => _head[0];

    /// <summary>Learned bias of slate position j.</summary>
    public float PositionBias(int j) => _head[1 + j];

    /// <summary>Learned bias of item i (its quality as the click model sees it).</summary>
    public float ItemBias(int i) => _head[1 + K + i];

    public IReadOnlyList<MlpLayer> Layers { get; }

    /// <summary>The parameter arrays in gradient order (W1, b1, W2, b2, head); tests perturb them.</summary>
    internal IReadOnlyList<float[]> ParameterArrays => [_w1.Host, _b1.Host, _w2.Host, _b2.Host, _head];

    /// <summary>Adam steps taken.</summary>
    public long Steps => _steps;

    /// <summary>Forward pass of all users through the engine: features [N x F] -> output [N x d].</summary>
    public void Forward(int users, IColumn<float> features, IColumn<float> output)
    {
        features.Upload();
        _engine.MlpForward(new MlpOperands(users, Layers, features, output));
        output.Download();
    }

    /// <summary>
    /// Adds one user's BCE gradient to <paramref name="gradient"/> [ParameterCount] and returns the
    /// loss. <paramref name="estimate"/> is e + n (everything of I that is not the network's output),
    /// <paramref name="slate"/> the k items shown, <paramref name="shown"/> their embeddings [k x d] and
    /// <paramref name="clicked"/> the clicked position (-1 none). Recomputes the forward pass on the CPU to get the hidden layer.
    /// </summary>
    public float AccumulateGradient(ReadOnlySpan<float> features, ReadOnlySpan<float> estimate, ReadOnlySpan<int> slate, ReadOnlySpan<float> shown, int clicked, Span<float> gradient, Span<float> scratch)
    {
        var f = Inputs;
        var h = Hidden;
        var d = Dim;
        var w1 = _w1.Host;
        var b1 = _b1.Host;
        var w2 = _w2.Host;
        var b2 = _b2.Host;
        var pre = scratch[..h];
        var interest = scratch.Slice(h, d);
        var gradInterest = scratch.Slice(h + d, d);
        var gradHidden = scratch.Slice(h + (2 * d), h);

        b1.CopyTo(pre);
        for (var i = 0; i < f; i++)
        {
            var x = features[i];
            if (x == 0f)
            {
                continue;
            }

            var row = w1.AsSpan(i * h, h);
            for (var j = 0; j < h; j++)
            {
                pre[j] += x * row[j];
            }
        }

        for (var g = 0; g < d; g++)
        {
            interest[g] = b2[g] + estimate[g];
        }

        for (var j = 0; j < h; j++)
        {
            var a = MathF.Max(0f, pre[j]);
            if (a == 0f)
            {
                continue;
            }

            var row = w2.AsSpan(j * d, d);
            for (var g = 0; g < d; g++)
            {
                interest[g] += a * row[g];
            }
        }

        // Head: z_j = s <I, x_j> + b_j + c_i; dL/dz_j = p_j - y_j.
        var s = _head[0];
        var oW1 = 0;
        var oB1 = f * h;
        var oW2 = oB1 + h;
        var oB2 = oW2 + (h * d);
        var oHead = oB2 + d;
        gradInterest.Clear();
        var loss = 0f;
        for (var j = 0; j < K; j++)
        {
            var x = shown.Slice(j * d, d);
            var dot = 0f;
            for (var g = 0; g < d; g++)
            {
                dot += interest[g] * x[g];
            }

            var z = (s * dot) + _head[1 + j] + _head[1 + K + slate[j]];
            var y = j == clicked ? 1f : 0f;
            var p = 1f / (1f + MathF.Exp(-z));
            loss += Bce(z, y);
            var dz = p - y;
            gradient[oHead] += dz * dot;
            gradient[oHead + 1 + j] += dz;
            gradient[oHead + 1 + K + slate[j]] += dz;
            for (var g = 0; g < d; g++)
            {
                gradInterest[g] += dz * s * x[g];
            }
        }

        // Back through o = W2 relu(pre) + b2 and pre = W1 f + b1.
        for (var g = 0; g < d; g++)
        {
            gradient[oB2 + g] += gradInterest[g];
        }

        for (var j = 0; j < h; j++)
        {
            var a = MathF.Max(0f, pre[j]);
            var row = w2.AsSpan(j * d, d);
            var back = 0f;
            for (var g = 0; g < d; g++)
            {
                gradient[oW2 + (j * d) + g] += a * gradInterest[g];
                back += row[g] * gradInterest[g];
            }

            gradHidden[j] = pre[j] > 0f ? back : 0f;
            gradient[oB1 + j] += gradHidden[j];
        }

        for (var i = 0; i < f; i++)
        {
            var x = features[i];
            if (x == 0f)
            {
                continue;
            }

            var row = gradient.Slice(oW1 + (i * h), h);
            for (var j = 0; j < h; j++)
            {
                row[j] += x * gradHidden[j];
            }
        }

        return loss;
    }

    /// <summary>Scratch floats <see cref="AccumulateGradient"/> needs.</summary>
    public int ScratchLength => (2 * Hidden) + (2 * Dim);

    /// <summary>One Adam step with the (already averaged) gradient, then uploads the weights to the engine.</summary>
    public void Step(ReadOnlySpan<float> gradient, float learningRate)
    {
        _steps++;
        var offset = 0;
        foreach (var (parameters, adam) in new[] { _w1.Host, _b1.Host, _w2.Host, _b2.Host, _head }.Zip(_adam))
        {
            adam.Step(parameters, gradient.Slice(offset, parameters.Length), learningRate, _steps);
            offset += parameters.Length;
        }

        Upload();
    }

    /// <summary>Numerically stable binary cross-entropy of logit z against label y.</summary>
    public static float Bce(float z, float y) => MathF.Max(z, 0f) - (z * y) + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));

    public void ExchangeState(StateExchange state)
    {
        state.Floats("network.w1", _w1.Host);
        state.Floats("network.b1", _b1.Host);
        state.Floats("network.w2", _w2.Host);
        state.Floats("network.b2", _b2.Host);
        state.Floats("network.head", _head);
        foreach (var adam in _adam)
        {
            adam.ExchangeState(state);
        }

        state.Value("network.steps", ref _steps);
        if (state.IsRestoring)
        {
            Upload();
        }
    }

    public void Dispose()
    {
        _w1.Dispose();
        _b1.Dispose();
        _w2.Dispose();
        _b2.Dispose();
    }

    private void Upload()
    {
        _w1.Upload();
        _b1.Upload();
        _w2.Upload();
        _b2.Upload();
    }
}
