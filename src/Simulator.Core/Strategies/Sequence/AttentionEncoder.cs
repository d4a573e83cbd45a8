namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// sasrec's and tisasrec's encoder (Kang and McAuley 2018; Li, Wang and McAuley 2020): causal
/// self-attention over the user's last L engagements and a learned "now" token that reads them.
/// Tokens: x_j = W_in a_j + b_in + P[rank_j] for the engagements (rank 0 = the newest) and x_now = q0.
/// Each of <c>layers</c> blocks, per head: logit_ij = Q_i . (K_j + RK[b_ij]) / sqrt(d_h) over j &lt;= i,
/// A = softmax, Z_i = sum_j A_ij (V_j + RV[b_ij]); y = x + W_o Z + b_o; x' = y + W_2 relu(W_1 y + b_1) + b_2.
/// h_now is the now token's output. Time-aware (tisasrec): RK and RV are learned embeddings of the
/// interval bucket b_ij = min(7, floor(log2(1 + |t_i - t_j|))) between engagements and from each
/// engagement to now, so attention can learn how much an old engagement still counts: a forgetting
/// curve. Time-blind (sasrec): RK = RV = 0 and only the order (P) is seen; nothing else differs.
/// No state is kept per user: the window's item ids and ticks (<see cref="EventHistory"/>) are
/// re-encoded at every recommendation, and the last block computes only the now token's row.
/// Layout: every W [H x H] (W_in [H x I]) row-major; heads split H into contiguous slices of d_h.
/// </summary>
internal sealed class AttentionEncoder : SequenceEncoder
{
    /// <summary>Interval buckets: log2 bins of the gap in ticks, the last holding 127 ticks and more.</summary>
    public const int Buckets = Compute.AttentionLayout.Buckets;

    private readonly int _layers;
    private readonly int _heads;
    private readonly ParameterSet.Block _win;
    private readonly ParameterSet.Block _bin;
    private readonly ParameterSet.Block _rank;
    private readonly ParameterSet.Block _query;
    private readonly Layer[] _blocks;

    public AttentionEncoder(ParameterSet parameters, EventInputs inputs, int hidden, int layers, int heads, bool timeAware, ulong seed)
        : base(inputs, hidden, timeAware)
    {
        if (hidden % heads != 0)
        {
            throw new ArgumentException($"hidden width {hidden} is not a multiple of {heads} heads", nameof(heads));
        }

        _layers = layers;
        _heads = heads;
        var h = hidden;
        var scale = 1f / MathF.Sqrt(h);
        _win = parameters.Normal("attention.in.w", h * inputs.Width, 1f / MathF.Sqrt(inputs.Width), seed);
        _bin = parameters.Constant("attention.in.b", h, 0f);
        _rank = parameters.Normal("attention.rank", inputs.Window * h, 0.1f, seed);
        _query = parameters.Normal("attention.now", h, 0.1f, seed);

        // The residual branches start small (half the usual scale), so a stack without layer norm
        // begins near the identity and its activations stay of order one.
        _blocks = Enumerable.Range(0, layers).Select(l => new Layer(
            parameters.Normal($"attention.{l}.q", h * h, scale, seed),
            parameters.Normal($"attention.{l}.k", h * h, scale, seed),
            parameters.Normal($"attention.{l}.v", h * h, scale, seed),
            parameters.Normal($"attention.{l}.o", h * h, 0.5f * scale, seed),
            parameters.Constant($"attention.{l}.o.b", h, 0f),
            parameters.Normal($"attention.{l}.ffn1", h * h, scale, seed),
            parameters.Constant($"attention.{l}.ffn1.b", h, 0f),
            parameters.Normal($"attention.{l}.ffn2", h * h, 0.5f * scale, seed),
            parameters.Constant($"attention.{l}.ffn2.b", h, 0f),
            timeAware ? parameters.Constant($"attention.{l}.interval.k", Buckets * h, 0f) : default,
            timeAware ? parameters.Constant($"attention.{l}.interval.v", Buckets * h, 0f) : default)).ToArray();
    }

    public int Layers => _layers;

    /// <summary>The engine layout of this encoder (item width and slate length from its inputs).</summary>
    public Compute.AttentionLayout Layout => new(Inputs.Dim, Hidden, Inputs.Window, _layers, _heads, TimeAware, Inputs.K);

    public override int PackedLength => Layout.Length;

    /// <summary>Every matrix transposed to input-major, Q, K and V of a layer side by side.</summary>
    public override void Pack(ReadOnlySpan<float> parameters, Span<float> packed)
    {
        var layout = Layout;
        var h = Hidden;
        packed[..layout.Length].Clear();
        Transpose(_win.Of(parameters), h, layout.Inputs, packed, 0, h);
        _bin.Of(parameters).CopyTo(packed[layout.InBiasOffset..]);
        _rank.Of(parameters).CopyTo(packed[layout.RankOffset..]);
        _query.Of(parameters).CopyTo(packed[layout.QueryOffset..]);
        for (var l = 0; l < _layers; l++)
        {
            var block = _blocks[l];
            Transpose(block.Q.Of(parameters), h, h, packed, layout.QkvOffset(l), 3 * h);
            Transpose(block.K.Of(parameters), h, h, packed, layout.QkvOffset(l) + h, 3 * h);
            Transpose(block.V.Of(parameters), h, h, packed, layout.QkvOffset(l) + (2 * h), 3 * h);
            Transpose(block.O.Of(parameters), h, h, packed, layout.OOffset(l), h);
            block.OBias.Of(parameters).CopyTo(packed[layout.OBiasOffset(l)..]);
            Transpose(block.Ffn1.Of(parameters), h, h, packed, layout.Ffn1Offset(l), h);
            block.Ffn1Bias.Of(parameters).CopyTo(packed[layout.Ffn1BiasOffset(l)..]);
            Transpose(block.Ffn2.Of(parameters), h, h, packed, layout.Ffn2Offset(l), h);
            block.Ffn2Bias.Of(parameters).CopyTo(packed[layout.Ffn2BiasOffset(l)..]);
            if (TimeAware)
            {
                block.IntervalK.Of(parameters).CopyTo(packed[layout.IntervalKOffset(l)..]);
                block.IntervalV.Of(parameters).CopyTo(packed[layout.IntervalVOffset(l)..]);
            }
        }
    }

    public int Heads => _heads;

    /// <summary>The interval bucket of a gap of <paramref name="ticks"/> ticks.</summary>
    public static int Bucket(int ticks) => Compute.AttentionLayout.Bucket(ticks);

    /// <summary>Writes W [outputs x inputs] (row-major) into <paramref name="packed"/> at <paramref name="offset"/> as [inputs x outputs] with rows <paramref name="stride"/> apart.</summary>
    private static void Transpose(ReadOnlySpan<float> w, int outputs, int inputs, Span<float> packed, int offset, int stride)
    {
        for (var o = 0; o < outputs; o++)
        {
            for (var i = 0; i < inputs; i++)
            {
                packed[offset + (i * stride) + o] = w[(o * inputs) + i];
            }
        }
    }

    public override void Readout(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch) =>
        Forward(user, history, now, parameters, hNow, scratch);

    public override void Forward(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var n = history.Length(user);
        var tokens = n + 1;
        var h = Hidden;
        s.User = user;
        s.History = history;
        s.Tokens = tokens;
        for (var j = 0; j < n; j++)
        {
            var e = history.At(user, j);
            s.Tick[j] = e.Tick;
            var a = s.A.AsSpan(j * Inputs.Width, Inputs.Width);
            Inputs.Build(parameters, e, a);
            var x = s.X(0, j);
            DenseMath.Affine(_win.Of(parameters), _bin.Of(parameters), a, x);
            DenseMath.AddScaled(_rank.Of(parameters).Slice((n - 1 - j) * h, h), 1f, x);
        }

        s.Tick[n] = now;
        _query.Of(parameters).CopyTo(s.X(0, n));
        for (var l = 0; l < _layers; l++)
        {
            LayerForward(parameters, s, l, l == _layers - 1 ? n : 0);
        }

        s.X(_layers, n).CopyTo(hNow);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dhNow, float[] gradient, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var tokens = s.Tokens;
        var n = tokens - 1;
        var h = Hidden;

        // dX holds dL/dx for the current layer's output rows; only the now row reaches the loss.
        s.ClearDx(_layers, tokens);
        dhNow.CopyTo(s.Dx(_layers, n));
        for (var l = _layers - 1; l >= 0; l--)
        {
            s.ClearDx(l, tokens);
            LayerBackward(parameters, gradient, s, l, l == _layers - 1 ? n : 0);
        }

        // Tokens: x_j = W_in a_j + b_in + P[rank_j], x_now = q0.
        var da = s.Da.AsSpan(0, Inputs.Width);
        for (var j = 0; j < n; j++)
        {
            var dx = s.Dx(0, j);
            da.Clear();
            DenseMath.AffineBackward(_win.Of(parameters), s.A.AsSpan(j * Inputs.Width, Inputs.Width), dx, _win.Of(gradient), _bin.Of(gradient), da);
            DenseMath.AddScaled(dx, 1f, _rank.Of(gradient).Slice((n - 1 - j) * h, h));
            Inputs.Backward(s.History!.At(s.User, j), da, gradient);
        }

        DenseMath.AddScaled(s.Dx(0, n), 1f, _query.Of(gradient));
    }

    public override EncoderScratch CreateScratch() => new Scratch(Inputs.Window + 1, Inputs.Width, Hidden, _layers, _heads);

    /// <summary>Block l over rows [first, tokens): its input is s.X(l, .), its output s.X(l + 1, .).</summary>
    private void LayerForward(ReadOnlySpan<float> parameters, Scratch s, int l, int first)
    {
        var block = _blocks[l];
        var h = Hidden;
        var dh = h / _heads;
        var norm = 1f / MathF.Sqrt(dh);
        var tokens = s.Tokens;
        var rk = TimeAware ? block.IntervalK.Of(parameters) : [];
        var rv = TimeAware ? block.IntervalV.Of(parameters) : [];
        for (var j = 0; j < tokens; j++)
        {
            DenseMath.Affine(block.K.Of(parameters), [], s.X(l, j), s.K(l, j));
            DenseMath.Affine(block.V.Of(parameters), [], s.X(l, j), s.V(l, j));
        }

        for (var i = first; i < tokens; i++)
        {
            var q = s.Q(l, i);
            DenseMath.Affine(block.Q.Of(parameters), [], s.X(l, i), q);
            var z = s.Z(l, i);
            z.Clear();
            for (var head = 0; head < _heads; head++)
            {
                var slice = head * dh;
                var weights = s.Attention(l, i, head);
                var max = float.NegativeInfinity;
                for (var j = 0; j <= i; j++)
                {
                    var logit = DenseMath.Dot(q.Slice(slice, dh), s.K(l, j).Slice(slice, dh));
                    if (TimeAware)
                    {
                        logit += DenseMath.Dot(q.Slice(slice, dh), rk.Slice((Bucket(s.Tick[i] - s.Tick[j]) * h) + slice, dh));
                    }

                    weights[j] = logit * norm;
                    max = MathF.Max(max, weights[j]);
                }

                var total = 0f;
                for (var j = 0; j <= i; j++)
                {
                    weights[j] = MathF.Exp(weights[j] - max);
                    total += weights[j];
                }

                for (var j = 0; j <= i; j++)
                {
                    weights[j] /= total;
                    DenseMath.AddScaled(s.V(l, j).Slice(slice, dh), weights[j], z.Slice(slice, dh));
                    if (TimeAware)
                    {
                        DenseMath.AddScaled(rv.Slice((Bucket(s.Tick[i] - s.Tick[j]) * h) + slice, dh), weights[j], z.Slice(slice, dh));
                    }
                }
            }

            var y = s.Y(l, i);
            DenseMath.Affine(block.O.Of(parameters), block.OBias.Of(parameters), z, y);
            DenseMath.AddScaled(s.X(l, i), 1f, y);
            var m = s.M(l, i);
            DenseMath.Affine(block.Ffn1.Of(parameters), block.Ffn1Bias.Of(parameters), y, m);
            for (var c = 0; c < h; c++)
            {
                m[c] = MathF.Max(m[c], 0f);
            }

            var output = s.X(l + 1, i);
            DenseMath.Affine(block.Ffn2.Of(parameters), block.Ffn2Bias.Of(parameters), m, output);
            DenseMath.AddScaled(y, 1f, output);
        }
    }

    /// <summary>Backward of block l: from s.Dx(l + 1, rows [first, tokens)) into s.Dx(l, every row).</summary>
    private void LayerBackward(ReadOnlySpan<float> parameters, float[] gradient, Scratch s, int l, int first)
    {
        var block = _blocks[l];
        var h = Hidden;
        var dh = h / _heads;
        var norm = 1f / MathF.Sqrt(dh);
        var tokens = s.Tokens;
        var rk = TimeAware ? block.IntervalK.Of(parameters) : [];
        var rv = TimeAware ? block.IntervalV.Of(parameters) : [];
        var dRk = TimeAware ? block.IntervalK.Of(gradient) : [];
        var dRv = TimeAware ? block.IntervalV.Of(gradient) : [];
        var dy = s.Dy.AsSpan(0, h);
        var dm = s.Dm.AsSpan(0, h);
        var dz = s.Dz.AsSpan(0, h);
        var dq = s.Dq.AsSpan(0, h);
        var dWeights = s.DWeights.AsSpan(0, tokens);
        s.ClearDkv(tokens);
        for (var i = first; i < tokens; i++)
        {
            var dOut = s.Dx(l + 1, i);

            // x' = y + W_2 relu(W_1 y + b_1) + b_2.
            dOut.CopyTo(dy);
            dm.Clear();
            var m = s.M(l, i);
            DenseMath.AffineBackward(block.Ffn2.Of(parameters), m, dOut, block.Ffn2.Of(gradient), block.Ffn2Bias.Of(gradient), dm);
            for (var c = 0; c < h; c++)
            {
                if (m[c] <= 0f)
                {
                    dm[c] = 0f;
                }
            }

            DenseMath.AffineBackward(block.Ffn1.Of(parameters), s.Y(l, i), dm, block.Ffn1.Of(gradient), block.Ffn1Bias.Of(gradient), dy);

            // y = x + W_o Z + b_o.
            DenseMath.AddScaled(dy, 1f, s.Dx(l, i));
            dz.Clear();
            DenseMath.AffineBackward(block.O.Of(parameters), s.Z(l, i), dy, block.O.Of(gradient), block.OBias.Of(gradient), dz);

            // Attention, per head.
            var q = s.Q(l, i);
            dq.Clear();
            for (var head = 0; head < _heads; head++)
            {
                var slice = head * dh;
                var weights = s.Attention(l, i, head);
                var dzHead = dz.Slice(slice, dh);
                var mean = 0f;
                for (var j = 0; j <= i; j++)
                {
                    var b = Bucket(s.Tick[i] - s.Tick[j]);
                    var dA = DenseMath.Dot(dzHead, s.V(l, j).Slice(slice, dh));
                    DenseMath.AddScaled(dzHead, weights[j], s.Dv(j).Slice(slice, dh));
                    if (TimeAware)
                    {
                        dA += DenseMath.Dot(dzHead, rv.Slice((b * h) + slice, dh));
                        DenseMath.AddScaled(dzHead, weights[j], dRv.Slice((b * h) + slice, dh));
                    }

                    dWeights[j] = dA;
                    mean += weights[j] * dA;
                }

                for (var j = 0; j <= i; j++)
                {
                    var dLogit = weights[j] * (dWeights[j] - mean) * norm;
                    if (dLogit == 0f)
                    {
                        continue;
                    }

                    var b = Bucket(s.Tick[i] - s.Tick[j]);
                    DenseMath.AddScaled(s.K(l, j).Slice(slice, dh), dLogit, dq.Slice(slice, dh));
                    DenseMath.AddScaled(q.Slice(slice, dh), dLogit, s.Dk(j).Slice(slice, dh));
                    if (TimeAware)
                    {
                        DenseMath.AddScaled(rk.Slice((b * h) + slice, dh), dLogit, dq.Slice(slice, dh));
                        DenseMath.AddScaled(q.Slice(slice, dh), dLogit, dRk.Slice((b * h) + slice, dh));
                    }
                }
            }

            DenseMath.AffineBackward(block.Q.Of(parameters), s.X(l, i), dq, block.Q.Of(gradient), [], s.Dx(l, i));
        }

        for (var j = 0; j < tokens; j++)
        {
            DenseMath.AffineBackward(block.K.Of(parameters), s.X(l, j), s.Dk(j), block.K.Of(gradient), [], s.Dx(l, j));
            DenseMath.AffineBackward(block.V.Of(parameters), s.X(l, j), s.Dv(j), block.V.Of(gradient), [], s.Dx(l, j));
        }
    }

    /// <summary>One block's parameters.</summary>
    private readonly record struct Layer(
        ParameterSet.Block Q,
        ParameterSet.Block K,
        ParameterSet.Block V,
        ParameterSet.Block O,
        ParameterSet.Block OBias,
        ParameterSet.Block Ffn1,
        ParameterSet.Block Ffn1Bias,
        ParameterSet.Block Ffn2,
        ParameterSet.Block Ffn2Bias,
        ParameterSet.Block IntervalK,
        ParameterSet.Block IntervalV);

    /// <summary>Forward caches of every layer over at most <c>maxTokens</c> tokens, and the backward's temporaries.</summary>
    private sealed class Scratch : EncoderScratch
    {
        private readonly int _maxTokens;
        private readonly int _hidden;
        private readonly int _heads;
        private readonly float[] _x;
        private readonly float[] _q;
        private readonly float[] _k;
        private readonly float[] _v;
        private readonly float[] _z;
        private readonly float[] _y;
        private readonly float[] _m;
        private readonly float[] _attention;
        private readonly float[] _dx;
        private readonly float[] _dk;
        private readonly float[] _dv;

        public Scratch(int maxTokens, int width, int hidden, int layers, int heads)
        {
            _maxTokens = maxTokens;
            _hidden = hidden;
            _heads = heads;
            var rows = maxTokens * hidden;
            _x = new float[(layers + 1) * rows];
            _q = new float[layers * rows];
            _k = new float[layers * rows];
            _v = new float[layers * rows];
            _z = new float[layers * rows];
            _y = new float[layers * rows];
            _m = new float[layers * rows];
            _attention = new float[layers * maxTokens * heads * maxTokens];
            _dx = new float[(layers + 1) * rows];
            _dk = new float[rows];
            _dv = new float[rows];
            A = new float[maxTokens * width];
            Tick = new int[maxTokens];
            Da = new float[width];
            Dy = new float[hidden];
            Dm = new float[hidden];
            Dz = new float[hidden];
            Dq = new float[hidden];
            DWeights = new float[maxTokens];
        }

        public int User { get; set; }

        public EventHistory? History { get; set; }

        public int Tokens { get; set; }

        public float[] A { get; }

        public int[] Tick { get; }

        public float[] Da { get; }

        public float[] Dy { get; }

        public float[] Dm { get; }

        public float[] Dz { get; }

        public float[] Dq { get; }

        public float[] DWeights { get; }

        public Span<float> X(int layer, int token) => _x.AsSpan(Row(layer, token), _hidden);

        public Span<float> Q(int layer, int token) => _q.AsSpan(Row(layer, token), _hidden);

        public Span<float> K(int layer, int token) => _k.AsSpan(Row(layer, token), _hidden);

        public Span<float> V(int layer, int token) => _v.AsSpan(Row(layer, token), _hidden);

        public Span<float> Z(int layer, int token) => _z.AsSpan(Row(layer, token), _hidden);

        public Span<float> Y(int layer, int token) => _y.AsSpan(Row(layer, token), _hidden);

        public Span<float> M(int layer, int token) => _m.AsSpan(Row(layer, token), _hidden);

        public Span<float> Dx(int layer, int token) => _dx.AsSpan(Row(layer, token), _hidden);

        public Span<float> Dk(int token) => _dk.AsSpan(token * _hidden, _hidden);

        public Span<float> Dv(int token) => _dv.AsSpan(token * _hidden, _hidden);

        /// <summary>Attention weights of row i, head h, over keys j &lt;= i.</summary>
        public Span<float> Attention(int layer, int token, int head) =>
            _attention.AsSpan((((layer * _maxTokens) + token) * _heads * _maxTokens) + (head * _maxTokens), _maxTokens);

        public void ClearDx(int layer, int tokens) => _dx.AsSpan(Row(layer, 0), tokens * _hidden).Clear();

        public void ClearDkv(int tokens)
        {
            _dk.AsSpan(0, tokens * _hidden).Clear();
            _dv.AsSpan(0, tokens * _hidden).Clear();
        }

        private int Row(int layer, int token) => ((layer * _maxTokens) + token) * _hidden;
    }
}
