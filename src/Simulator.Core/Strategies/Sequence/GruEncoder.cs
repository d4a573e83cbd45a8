using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// gru4rec's encoder (Hidasi et al. 2016): a GRU over the user's engagements, time-blind.
/// Per event with input a: r = sigma(W_r a + U_r h + b_r), z = sigma(W_z a + U_z h + b_z),
/// n = tanh(W_n a + b_n + r (U_n h + b_hn)), h' = (1 - z) n + z h. h_now is the state after the
/// latest engagement, however long ago it was. Inference keeps h per user and advances it one cell
/// step per new engagement; training replays the last L engagements from h = 0.
/// Layout: W [3H x I] and U [3H x H] with gate blocks in the order r, z, n.
/// </summary>
internal sealed class GruEncoder : SequenceEncoder, IRecurrentEncoder
{
    private readonly ParameterSet.Block _w;
    private readonly ParameterSet.Block _u;
    private readonly ParameterSet.Block _b;
    private readonly ParameterSet.Block _bhn;
    private readonly float[] _state;

    public GruEncoder(ParameterSet parameters, EventInputs inputs, int hidden, int users, ulong seed)
        : base(inputs, hidden, timeAware: false)
    {
        var i = inputs.Width;
        _w = parameters.Normal("gru.w", 3 * hidden * i, 1f / MathF.Sqrt(i), seed);
        _u = parameters.Normal("gru.u", 3 * hidden * hidden, 1f / MathF.Sqrt(hidden), seed);
        _b = parameters.Constant("gru.b", 3 * hidden, 0f);
        _bhn = parameters.Constant("gru.bhn", hidden, 0f);
        _state = new float[users * hidden];
    }

    public override int StateWidth => Hidden;

    public Compute.RecurrentLayout Layout => new(Compute.RecurrentCell.Gru, Inputs.Width, Hidden);

    public float[] State => _state;

    public float[]? Output => null;

    public override int PackedLength => Layout.Length;

    public float NewestGap(int user, EventHistory history) => 0f;

    /// <summary>Column blocks r, z, n_a, n_h: W's r and z rows beside U's, W_n only in n_a's input rows, U_n only in n_h's hidden rows.</summary>
    public override void Pack(ReadOnlySpan<float> parameters, Span<float> packed)
    {
        var layout = Layout;
        var hd = Hidden;
        var inputs = Inputs.Width;
        var columns = layout.Columns;
        var w = _w.Of(parameters);
        var u = _u.Of(parameters);
        var b = _b.Of(parameters);
        var bhn = _bhn.Of(parameters);
        packed[..layout.Length].Clear();
        for (var o = 0; o < hd; o++)
        {
            for (var gate = 0; gate < 3; gate++)
            {
                var row = (gate * hd) + o;
                for (var i = 0; i < inputs; i++)
                {
                    packed[(i * columns) + row] = w[(row * inputs) + i];
                }

                // U_n goes to the n_h block (column 3H + o), the others to their own.
                var column = gate == 2 ? (3 * hd) + o : row;
                for (var i = 0; i < hd; i++)
                {
                    packed[((inputs + i) * columns) + column] = u[(row * hd) + i];
                }

                packed[layout.BiasOffset + row] = b[row];
            }

            packed[layout.BiasOffset + (3 * hd) + o] = bhn[o];
        }
    }

    public override void Readout(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch) =>
        _state.AsSpan(user * Hidden, Hidden).CopyTo(hNow);

    public override void Advance(int user, EventHistory history, ReadOnlySpan<float> parameters, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var e = history.At(user, history.Length(user) - 1);
        Inputs.Build(parameters, e, s.A.AsSpan(0, Inputs.Width));
        var h = _state.AsSpan(user * Hidden, Hidden);
        h.CopyTo(s.H.AsSpan(0, Hidden));
        Step(parameters, s, 0, h);
    }

    public override void Forward(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var n = history.Length(user);
        s.User = user;
        s.History = history;
        s.Steps = n;
        var hd = Hidden;
        s.H.AsSpan(0, hd).Clear();
        for (var t = 0; t < n; t++)
        {
            Inputs.Build(parameters, history.At(user, t), s.A.AsSpan(t * Inputs.Width, Inputs.Width));
            Step(parameters, s, t, s.H.AsSpan((t + 1) * hd, hd));
        }

        s.H.AsSpan(n * hd, hd).CopyTo(hNow);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dhNow, float[] gradient, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var hd = Hidden;
        var width = Inputs.Width;
        var w = _w.Of(parameters);
        var u = _u.Of(parameters);
        var dh = s.Dh.AsSpan(0, hd);
        dhNow.CopyTo(dh);
        var dpre = s.Dpre.AsSpan(0, 3 * hd);
        var dun = s.Dun.AsSpan(0, hd);
        var da = s.Da.AsSpan(0, width);
        for (var t = s.Steps - 1; t >= 0; t--)
        {
            var hPrev = s.H.AsSpan(t * hd, hd);
            var r = s.R.AsSpan(t * hd, hd);
            var z = s.Z.AsSpan(t * hd, hd);
            var nn = s.N.AsSpan(t * hd, hd);
            var un = s.Un.AsSpan(t * hd, hd);
            for (var j = 0; j < hd; j++)
            {
                var g = dh[j];
                var dn = g * (1f - z[j]);
                var dz = g * (hPrev[j] - nn[j]);
                dh[j] = g * z[j];
                var dpreN = dn * (1f - (nn[j] * nn[j]));
                dun[j] = dpreN * r[j];
                var dr = dpreN * un[j];
                dpre[j] = dr * r[j] * (1f - r[j]);
                dpre[hd + j] = dz * z[j] * (1f - z[j]);
                dpre[(2 * hd) + j] = dpreN;
            }

            var a = s.A.AsSpan(t * width, width);
            da.Clear();
            DenseMath.AffineBackward(w, a, dpre, _w.Of(gradient), _b.Of(gradient), da);
            DenseMath.AffineBackward(u.Slice(0, 2 * hd * hd), hPrev, dpre.Slice(0, 2 * hd), _u.Of(gradient).Slice(0, 2 * hd * hd), [], dh);
            DenseMath.AffineBackward(u.Slice(2 * hd * hd, hd * hd), hPrev, dun, _u.Of(gradient).Slice(2 * hd * hd, hd * hd), _bhn.Of(gradient), dh);
            Inputs.Backward(s.History!.At(s.User, t), da, gradient);
        }
    }

    public override void ExchangeState(StateExchange state) => state.Floats("gru.state", _state);

    public override EncoderScratch CreateScratch() => new Scratch(Inputs.Window, Inputs.Width, Hidden);

    /// <summary>One cell step from s.H[t] with input s.A[t] into <paramref name="hNext"/>, keeping the gates at step t.</summary>
    private void Step(ReadOnlySpan<float> parameters, Scratch s, int t, Span<float> hNext)
    {
        var hd = Hidden;
        var width = Inputs.Width;
        var pre = s.Pre.AsSpan(0, 3 * hd);
        var uh = s.Uh.AsSpan(0, 3 * hd);
        var a = s.A.AsSpan(t * width, width);
        var hPrev = s.H.AsSpan(t * hd, hd);
        DenseMath.Affine(_w.Of(parameters), _b.Of(parameters), a, pre);
        DenseMath.Affine(_u.Of(parameters), [], hPrev, uh);
        var bhn = _bhn.Of(parameters);
        var r = s.R.AsSpan(t * hd, hd);
        var z = s.Z.AsSpan(t * hd, hd);
        var nn = s.N.AsSpan(t * hd, hd);
        var un = s.Un.AsSpan(t * hd, hd);
        for (var j = 0; j < hd; j++)
        {
            r[j] = DenseMath.Sigmoid(pre[j] + uh[j]);
            z[j] = DenseMath.Sigmoid(pre[hd + j] + uh[hd + j]);
            un[j] = uh[(2 * hd) + j] + bhn[j];
            nn[j] = MathF.Tanh(pre[(2 * hd) + j] + (r[j] * un[j]));
        }

        for (var j = 0; j < hd; j++)
        {
            hNext[j] = ((1f - z[j]) * nn[j]) + (z[j] * hPrev[j]);
        }
    }

    private sealed class Scratch(int window, int width, int hidden) : EncoderScratch
    {
        public int User { get; set; }

        public EventHistory? History { get; set; }

        public int Steps { get; set; }

        public float[] A { get; } = new float[window * width];

        /// <summary>States h_0 = 0 .. h_n, [(L + 1) x H].</summary>
        public float[] H { get; } = new float[(window + 1) * hidden];

        public float[] R { get; } = new float[window * hidden];

        public float[] Z { get; } = new float[window * hidden];

        public float[] N { get; } = new float[window * hidden];

        /// <summary>U_n h + b_hn per step (the reset gate multiplies it).</summary>
        public float[] Un { get; } = new float[window * hidden];

        public float[] Pre { get; } = new float[3 * hidden];

        public float[] Uh { get; } = new float[3 * hidden];

        public float[] Dh { get; } = new float[hidden];

        public float[] Dpre { get; } = new float[3 * hidden];

        public float[] Dun { get; } = new float[hidden];

        public float[] Da { get; } = new float[width];
    }
}
