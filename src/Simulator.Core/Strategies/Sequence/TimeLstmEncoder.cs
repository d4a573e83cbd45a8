using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// time-lstm's encoder: an LSTM whose gates also see time (after Zhu et al. 2017's time gates, and
/// Baytas et al. 2017's elapsed-time decay of the memory). With the gap since the previous
/// engagement as the time feature tau = ln(1 + gap ticks), each engagement first carries the
/// previous state across the gap, c~ = c D(tau), h~ = o tanh(c~), with the learned per-unit decay
/// D(tau) = sigma(alpha tau + beta), then takes an LSTM step:
/// (i, f, o, g) = (sigma, sigma, sigma, tanh)(W a + w_t tau + U h~ + b), c' = f c~ + i g.
/// At recommendation time the same carry runs from the latest engagement to now, so h_now decays
/// with the time the user was away: this is the learned forgetting law. The time terms start
/// neutral (w_t = 0, alpha = 0, beta = 5: D = 0.993 whatever the gap), so the model starts as its
/// time-blind twin and forgets with time only as far as training finds it pays.
/// Per user the state is (c, o) after the latest engagement; training replays the last L
/// engagements from the zero state. Without <see cref="SequenceEncoder.TimeAware"/> (gru4rec's
/// LSTM cell, the exact twin) there are no time terms and D = 1.
/// Layout: W [4H x I] and U [4H x H], gate blocks in the order i, f, o, g; w_t [4H].
/// </summary>
internal sealed class TimeLstmEncoder : SequenceEncoder, IRecurrentEncoder
{
    private readonly ParameterSet.Block _w;
    private readonly ParameterSet.Block _u;
    private readonly ParameterSet.Block _b;
    private readonly ParameterSet.Block _timeWeights;
    private readonly ParameterSet.Block _alpha;
    private readonly ParameterSet.Block _beta;
    private readonly float[] _cell;
    private readonly float[] _output;

    public TimeLstmEncoder(ParameterSet parameters, EventInputs inputs, int hidden, int users, bool timeAware, ulong seed)
        : base(inputs, hidden, timeAware)
    {
        var width = inputs.Width;
        _w = parameters.Normal("lstm.w", 4 * hidden * width, 1f / MathF.Sqrt(width), seed);
        _u = parameters.Normal("lstm.u", 4 * hidden * hidden, 1f / MathF.Sqrt(hidden), seed);
        _b = parameters.Constant("lstm.b", 4 * hidden, 0f);
        if (timeAware)
        {
            _timeWeights = parameters.Constant("lstm.time.w", 4 * hidden, 0f);
            _alpha = parameters.Constant("lstm.decay.alpha", hidden, 0f);
            _beta = parameters.Constant("lstm.decay.beta", hidden, InitialDecayBias);
        }

        _cell = new float[users * hidden];
        _output = new float[users * hidden];
    }

    /// <summary>beta at the start: D = sigma(5) = 0.993, nearly no decay until training asks for it.</summary>
    public const float InitialDecayBias = 5f;

    private int CellInputs => Inputs.Width;

    public override int StateWidth => 2 * Hidden;

    public Compute.RecurrentLayout Layout => new(TimeAware ? Compute.RecurrentCell.TimeLstm : Compute.RecurrentCell.Lstm, CellInputs, Hidden);

    public float[] State => _cell;

    public float[]? Output => _output;

    public override int PackedLength => Layout.Length;

    public float NewestGap(int user, EventHistory history)
    {
        var n = history.Length(user);
        var e = history.At(user, n - 1);
        var previous = n >= 2 ? history.At(user, n - 2).Tick : (history.Count(user) > n ? e.Tick : -1);
        return previous < 0 ? 0f : DenseMath.TimeFeature(e.Tick - previous);
    }

    /// <summary>Column blocks i, f, o, g: W's rows above U's, transposed; then b, and w_t, alpha, beta when time-aware.</summary>
    public override void Pack(ReadOnlySpan<float> parameters, Span<float> packed)
    {
        var layout = Layout;
        var hd = Hidden;
        var inputs = CellInputs;
        var columns = layout.Columns;
        var w = _w.Of(parameters);
        var u = _u.Of(parameters);
        for (var row = 0; row < columns; row++)
        {
            for (var i = 0; i < inputs; i++)
            {
                packed[(i * columns) + row] = w[(row * inputs) + i];
            }

            for (var i = 0; i < hd; i++)
            {
                packed[((inputs + i) * columns) + row] = u[(row * hd) + i];
            }
        }

        _b.Of(parameters).CopyTo(packed[layout.BiasOffset..]);
        if (TimeAware)
        {
            _timeWeights.Of(parameters).CopyTo(packed[layout.TimeWeightsOffset..]);
            _alpha.Of(parameters).CopyTo(packed[layout.AlphaOffset..]);
            _beta.Of(parameters).CopyTo(packed[layout.BetaOffset..]);
        }
    }

    public override void Readout(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var last = history.LastTick(user);
        var tau = last < 0 ? 0f : DenseMath.TimeFeature(now - last);
        Carry(parameters, _cell.AsSpan(user * Hidden, Hidden), _output.AsSpan(user * Hidden, Hidden), tau, s.CarriedCell.AsSpan(0, Hidden), hNow, s.Decay.AsSpan(0, Hidden));
    }

    public override void Advance(int user, EventHistory history, ReadOnlySpan<float> parameters, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var hd = Hidden;
        var e = history.At(user, history.Length(user) - 1);
        var tau = NewestGap(user, history);
        Inputs.Build(parameters, e, s.A.AsSpan(0, CellInputs));
        s.Tau[0] = tau;
        var c = _cell.AsSpan(user * hd, hd);
        var o = _output.AsSpan(user * hd, hd);
        Carry(parameters, c, o, tau, s.CarriedCell.AsSpan(0, hd), s.CarriedHidden.AsSpan(0, hd), s.Decay.AsSpan(0, hd));
        Step(parameters, s, 0, c, o);
    }

    public override void Forward(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var hd = Hidden;
        var n = history.Length(user);
        s.User = user;
        s.History = history;
        s.Steps = n;
        var c = s.Cell.AsSpan(0, hd);
        var o = s.Output.AsSpan(0, hd);
        c.Clear();
        o.Clear();
        var previous = -1;
        for (var t = 0; t < n; t++)
        {
            var e = history.At(user, t);
            var tau = previous < 0 ? 0f : DenseMath.TimeFeature(e.Tick - previous);
            previous = e.Tick;
            s.Tau[t] = tau;
            Inputs.Build(parameters, e, s.A.AsSpan(t * CellInputs, CellInputs));
            Carry(parameters, s.Cell.AsSpan(t * hd, hd), s.Output.AsSpan(t * hd, hd), tau, s.CarriedCell.AsSpan(t * hd, hd), s.CarriedHidden.AsSpan(t * hd, hd), s.Decay.AsSpan(t * hd, hd));
            Step(parameters, s, t, s.Cell.AsSpan((t + 1) * hd, hd), s.Output.AsSpan((t + 1) * hd, hd));
        }

        var tauNow = previous < 0 ? 0f : DenseMath.TimeFeature(now - previous);
        s.Tau[n] = tauNow;
        Carry(parameters, s.Cell.AsSpan(n * hd, hd), s.Output.AsSpan(n * hd, hd), tauNow, s.CarriedCell.AsSpan(n * hd, hd), s.CarriedHidden.AsSpan(n * hd, hd), s.Decay.AsSpan(n * hd, hd));
        s.CarriedHidden.AsSpan(n * hd, hd).CopyTo(hNow);
    }

    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dhNow, float[] gradient, EncoderScratch scratch)
    {
        var s = (Scratch)scratch;
        var hd = Hidden;
        var width = CellInputs;
        var dCarriedCell = s.DCarriedCell.AsSpan(0, hd);
        var dCarriedHidden = s.DCarriedHidden.AsSpan(0, hd);
        var dCell = s.DCell.AsSpan(0, hd);
        var dOutput = s.DOutput.AsSpan(0, hd);
        var dpre = s.Dpre.AsSpan(0, 4 * hd);
        var da = s.Da.AsSpan(0, width);

        // The readout's carry: from (c_n, o_n) to h_now.
        dCarriedCell.Clear();
        dhNow.CopyTo(dCarriedHidden);
        CarryBackward(parameters, s, s.Steps, dCarriedCell, dCarriedHidden, dCell, dOutput, gradient);
        for (var t = s.Steps - 1; t >= 0; t--)
        {
            // Cell step t: (c~_t, h~_t, a_t) -> (c_{t+1}, o_{t+1}); dCell, dOutput hold dL/dc_{t+1}, dL/do_{t+1}.
            var i = s.I.AsSpan(t * hd, hd);
            var f = s.F.AsSpan(t * hd, hd);
            var o = s.Output.AsSpan((t + 1) * hd, hd);
            var g = s.G.AsSpan(t * hd, hd);
            var carriedCell = s.CarriedCell.AsSpan(t * hd, hd);
            for (var j = 0; j < hd; j++)
            {
                var dc = dCell[j];
                dpre[j] = dc * g[j] * i[j] * (1f - i[j]);
                dpre[hd + j] = dc * carriedCell[j] * f[j] * (1f - f[j]);
                dpre[(2 * hd) + j] = dOutput[j] * o[j] * (1f - o[j]);
                dpre[(3 * hd) + j] = dc * i[j] * (1f - (g[j] * g[j]));
                dCarriedCell[j] = dc * f[j];
            }

            da.Clear();
            dCarriedHidden.Clear();
            DenseMath.AffineBackward(_w.Of(parameters), s.A.AsSpan(t * width, width), dpre, _w.Of(gradient), _b.Of(gradient), da);
            if (TimeAware)
            {
                DenseMath.AddScaled(dpre, s.Tau[t], _timeWeights.Of(gradient));
            }

            DenseMath.AffineBackward(_u.Of(parameters), s.CarriedHidden.AsSpan(t * hd, hd), dpre, _u.Of(gradient), [], dCarriedHidden);
            Inputs.Backward(s.History!.At(s.User, t), da, gradient);

            // The carry into step t: from (c_t, o_t) to (c~_t, h~_t).
            CarryBackward(parameters, s, t, dCarriedCell, dCarriedHidden, dCell, dOutput, gradient);
        }
    }

    public override void ExchangeState(StateExchange state)
    {
        state.Floats("lstm.cell", _cell);
        state.Floats("lstm.output", _output);
    }

    public override EncoderScratch CreateScratch() => new Scratch(Inputs.Window, CellInputs, Hidden);

    /// <summary>c~ = c D(tau), h~ = o tanh(c~), D = sigma(alpha tau + beta) (D = 1 when time-blind); keeps D.</summary>
    private void Carry(ReadOnlySpan<float> parameters, ReadOnlySpan<float> c, ReadOnlySpan<float> o, float tau, Span<float> carriedCell, Span<float> carriedHidden, Span<float> decay)
    {
        var alpha = TimeAware ? _alpha.Of(parameters) : [];
        var beta = TimeAware ? _beta.Of(parameters) : [];
        for (var j = 0; j < Hidden; j++)
        {
            decay[j] = TimeAware ? DenseMath.Sigmoid((alpha[j] * tau) + beta[j]) : 1f;
            carriedCell[j] = c[j] * decay[j];
            carriedHidden[j] = o[j] * MathF.Tanh(carriedCell[j]);
        }
    }

    /// <summary>
    /// Backward of the carry at index t: from dL/dc~ and dL/dh~ (in <paramref name="dCarriedCell"/>,
    /// <paramref name="dCarriedHidden"/>) to dL/dc_t and dL/do_t (written to <paramref name="dCell"/>,
    /// <paramref name="dOutput"/>) and the decay's parameter gradients.
    /// </summary>
    private void CarryBackward(
        ReadOnlySpan<float> parameters, Scratch s, int t, ReadOnlySpan<float> dCarriedCell, ReadOnlySpan<float> dCarriedHidden, Span<float> dCell, Span<float> dOutput, float[] gradient)
    {
        var hd = Hidden;
        var c = s.Cell.AsSpan(t * hd, hd);
        var o = s.Output.AsSpan(t * hd, hd);
        var carriedCell = s.CarriedCell.AsSpan(t * hd, hd);
        var decay = s.Decay.AsSpan(t * hd, hd);
        var dAlpha = TimeAware ? _alpha.Of(gradient) : [];
        var dBeta = TimeAware ? _beta.Of(gradient) : [];
        for (var j = 0; j < hd; j++)
        {
            var tanh = MathF.Tanh(carriedCell[j]);
            var dc = dCarriedCell[j] + (dCarriedHidden[j] * o[j] * (1f - (tanh * tanh)));
            dOutput[j] = dCarriedHidden[j] * tanh;
            dCell[j] = dc * decay[j];
            if (TimeAware)
            {
                var dPre = dc * c[j] * decay[j] * (1f - decay[j]);
                dAlpha[j] += dPre * s.Tau[t];
                dBeta[j] += dPre;
            }
        }
    }

    /// <summary>LSTM step at index t on the carried state, writing c_{t+1} and o_{t+1} and keeping the gates.</summary>
    private void Step(ReadOnlySpan<float> parameters, Scratch s, int t, Span<float> cellNext, Span<float> outputNext)
    {
        var hd = Hidden;
        var width = CellInputs;
        var pre = s.Pre.AsSpan(0, 4 * hd);
        DenseMath.Affine(_w.Of(parameters), _b.Of(parameters), s.A.AsSpan(t * width, width), pre);
        DenseMath.AddProduct(_u.Of(parameters), s.CarriedHidden.AsSpan(t * hd, hd), pre);
        if (TimeAware)
        {
            DenseMath.AddScaled(_timeWeights.Of(parameters), s.Tau[t], pre);
        }
        var i = s.I.AsSpan(t * hd, hd);
        var f = s.F.AsSpan(t * hd, hd);
        var g = s.G.AsSpan(t * hd, hd);
        var carriedCell = s.CarriedCell.AsSpan(t * hd, hd);
        for (var j = 0; j < hd; j++)
        {
            i[j] = DenseMath.Sigmoid(pre[j]);
            f[j] = DenseMath.Sigmoid(pre[hd + j]);
            outputNext[j] = DenseMath.Sigmoid(pre[(2 * hd) + j]);
            g[j] = MathF.Tanh(pre[(3 * hd) + j]);
            cellNext[j] = (f[j] * carriedCell[j]) + (i[j] * g[j]);
        }
    }

    private sealed class Scratch(int window, int width, int hidden) : EncoderScratch
    {
        public int User { get; set; }

        public EventHistory? History { get; set; }

        public int Steps { get; set; }

        public float[] A { get; } = new float[window * width];

        /// <summary>tau of the carry at index t (t = n: to now).</summary>
        public float[] Tau { get; } = new float[window + 1];

        /// <summary>c_0 = 0 .. c_n, [(L + 1) x H].</summary>
        public float[] Cell { get; } = new float[(window + 1) * hidden];

        /// <summary>o_0 = 0 .. o_n.</summary>
        public float[] Output { get; } = new float[(window + 1) * hidden];

        public float[] CarriedCell { get; } = new float[(window + 1) * hidden];

        public float[] CarriedHidden { get; } = new float[(window + 1) * hidden];

        public float[] Decay { get; } = new float[(window + 1) * hidden];

        public float[] I { get; } = new float[window * hidden];

        public float[] F { get; } = new float[window * hidden];

        public float[] G { get; } = new float[window * hidden];

        public float[] Pre { get; } = new float[4 * hidden];

        public float[] Dpre { get; } = new float[4 * hidden];

        public float[] Da { get; } = new float[width];

        public float[] DCarriedCell { get; } = new float[hidden];

        public float[] DCarriedHidden { get; } = new float[hidden];

        public float[] DCell { get; } = new float[hidden];

        public float[] DOutput { get; } = new float[hidden];
    }
}
