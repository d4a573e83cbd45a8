using Simulator.Core.Compute;
using Simulator.Core.Randomness;
using Simulator.Core.Strategies.Sequence;

namespace Simulator.Tests.Core.Compute;

/// <summary>
/// The sequence models' engine operations (cell step, recurrent readout, attention readout) on the
/// scalar reference and the vectorised CPU engine against the encoders' own per-user code, which
/// training uses: packing the parameters into the engine layout must not change the model. Widths
/// that are multiples of 8 (16) take the vectorised cell (attention) path, 6 the scalar fallback.
/// </summary>
public sealed class SequenceEngineParityTests
{
    /// <summary>Different summation order (bias first, FMA) and vector exp change the last bits of sums of about 40 terms.</summary>
    private const float Tolerance = 2e-5f;

    private const int Users = 29;
    private const int Dim = 4;
    private const int Items = 12;
    private const int K = 3;
    private const int Window = 5;

    [Theory]
    [InlineData("gru4rec", 8, false)]
    [InlineData("gru4rec", 16, false)]
    [InlineData("gru4rec", 6, false)]
    [InlineData("gru4rec", 8, true)]
    [InlineData("time-lstm", 8, false)]
    [InlineData("time-lstm", 16, false)]
    [InlineData("time-lstm", 6, false)]
    public void Recurrent_step_on_every_engine_matches_the_encoders_own_step(string name, int hidden, bool lstmCell)
    {
        var (model, history) = Model(name, hidden, lstmCell: lstmCell);
        var recurrent = (IRecurrentEncoder)model.Encoder;
        var initialState = (float[])recurrent.State.Clone();
        var initialOutput = (float[]?)recurrent.Output?.Clone();
        var rows = Enumerable.Range(0, Users).Where(u => history.Count(u) > 0).ToArray();

        // The encoder's own step, user by user.
        var scratch = model.Encoder.CreateScratch();
        foreach (var u in rows)
        {
            model.Encoder.Advance(u, history, model.Parameters.Values, scratch);
        }

        var expectedState = (float[])recurrent.State.Clone();
        var expectedOutput = (float[]?)recurrent.Output?.Clone();
        var packed = new float[model.Encoder.PackedLength];
        model.Encoder.Pack(model.Parameters.Values, packed);
        var width = model.Inputs.Width;
        var inputs = new float[rows.Length * width];
        var tau = new float[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            model.Inputs.Build(model.Parameters.Values, history.At(rows[r], history.Length(rows[r]) - 1), inputs.AsSpan(r * width, width));
            tau[r] = recurrent.NewestGap(rows[r], history);
        }

        float[]? firstState = null;
        foreach (var engine in Engines())
        {
            using (engine)
            {
                var state = (float[])initialState.Clone();
                var output = (float[]?)initialOutput?.Clone();
                engine.RecurrentStep(new RecurrentStepOperands(
                    rows.Length, recurrent.Layout, engine.Bind(packed), engine.Bind(rows), engine.Bind(inputs), engine.Bind(tau), engine.Bind(state), output is null ? null : engine.Bind(output)));
                Close(expectedState, state, engine.Info.DeviceName);
                if (output is not null)
                {
                    Close(expectedOutput!, output, engine.Info.DeviceName);
                }

                // One and three threads give the same bits on the CPU engine.
                if (engine is CpuEngine)
                {
                    firstState ??= state;
                    Assert.Equal(firstState, state);
                }
            }
        }
    }

    [Theory]
    [InlineData("gru4rec", 8, false)]
    [InlineData("gru4rec", 8, true)]
    [InlineData("time-lstm", 16, false)]
    [InlineData("time-lstm", 6, false)]
    public void Recurrent_readout_on_every_engine_matches_the_encoders_readout(string name, int hidden, bool lstmCell)
    {
        var (model, history) = Model(name, hidden, lstmCell: lstmCell);
        var recurrent = (IRecurrentEncoder)model.Encoder;

        // A state that is not all zeros.
        for (var i = 0; i < recurrent.State.Length; i++)
        {
            recurrent.State[i] = KeyedRandom.Normal(3, 9, 0, 0, (uint)i);
            if (recurrent.Output is { } o)
            {
                o[i] = KeyedRandom.Uniform(3, 10, 0, 0, (uint)i);
            }
        }

        const int now = 40;
        var expected = new float[Users * hidden];
        var scratch = model.Encoder.CreateScratch();
        var tau = new float[Users];
        for (var u = 0; u < Users; u++)
        {
            model.Encoder.Readout(u, history, now, model.Parameters.Values, expected.AsSpan(u * hidden, hidden), scratch);
            var last = history.LastTick(u);
            tau[u] = last < 0 ? 0f : DenseMath.TimeFeature(now - last);
        }

        var packed = new float[model.Encoder.PackedLength];
        model.Encoder.Pack(model.Parameters.Values, packed);
        foreach (var engine in Engines())
        {
            using (engine)
            {
                var actual = new float[Users * hidden];
                engine.RecurrentReadout(new RecurrentReadoutOperands(
                    Users, recurrent.Layout, engine.Bind(packed), engine.Bind(recurrent.State), recurrent.Output is null ? null : engine.Bind(recurrent.Output), engine.Bind(tau), engine.Bind(actual)));
                Close(expected, actual, engine.Info.DeviceName);
            }
        }
    }

    [Theory]
    [InlineData("sasrec", 16, 1, 1)]
    [InlineData("tisasrec", 16, 1, 1)]
    [InlineData("tisasrec", 32, 2, 4)]
    [InlineData("sasrec", 16, 2, 2)]
    [InlineData("tisasrec", 6, 2, 2)]
    public void Attention_readout_on_every_engine_matches_the_encoders_readout(string name, int hidden, int layers, int heads)
    {
        var (model, history) = Model(name, hidden, layers, heads);
        var attention = (AttentionEncoder)model.Encoder;
        const int now = 44;
        var expected = new float[Users * hidden];
        var scratch = model.Encoder.CreateScratch();
        for (var u = 0; u < Users; u++)
        {
            model.Encoder.Readout(u, history, now, model.Parameters.Values, expected.AsSpan(u * hidden, hidden), scratch);
        }

        var packed = new float[model.Encoder.PackedLength];
        model.Encoder.Pack(model.Parameters.Values, packed);
        var embeddings = model.Embeddings.ToArray();
        float[]? first = null;
        foreach (var engine in Engines())
        {
            using (engine)
            {
                var actual = new float[Users * hidden];
                engine.AttentionReadout(new AttentionReadoutOperands(
                    Users, attention.Layout, engine.Bind(packed), engine.Bind(embeddings), engine.Bind(history.Items), engine.Bind(history.Ticks),
                    engine.Bind(history.LogDwell), engine.Bind(history.Positions), engine.Bind(history.Counts), now, engine.Bind(actual)));
                Close(expected, actual, engine.Info.DeviceName);
                if (engine is CpuEngine)
                {
                    first ??= actual;
                    Assert.Equal(first, actual);
                }
            }
        }
    }

    [Fact]
    public void Attention_layout_counts_every_parameter_of_the_encoder_once()
    {
        var (model, _) = Model("tisasrec", 16, 2, 2);
        var layout = ((AttentionEncoder)model.Encoder).Layout;
        var embeddingFloats = Items * Dim;
        var headFloats = Items + K + (Dim * 16) + Dim;
        Assert.Equal(model.Parameters.Count - embeddingFloats - headFloats, layout.Length);
    }

    /// <summary>
    /// H = 4, L = 3, 2 layers, d = 2 (I = 4), 3 events (4 tokens): projections 3 x 4 x 4 = 48; layer 0
    /// K, V 4 x 2 x 16 = 128, Q, O, FFN 4 x 4 x 16 = 256, attention 4 x 4 x 2 x 4 = 128; layer 1 (now
    /// row only) 128 + 64 + 32; 784 in all.
    /// </summary>
    [Fact]
    public void Attention_readout_counts_its_multiply_adds_as_worked_by_hand() =>
        Assert.Equal(784, new AttentionLayout(2, 4, 3, 2, 1, true, 3).ReadoutMultiplyAdds(3));

    [Fact]
    public void Cell_step_counts_one_product_of_inputs_and_state_by_four_gates() =>
        Assert.Equal((18 + 32) * 128, new RecurrentLayout(RecurrentCell.Gru, 18, 32).StepMultiplyAdds);

    private static IComputeEngine[] Engines() => [new ReferenceEngine(), new CpuEngine(1), new CpuEngine(3)];

    private static void Close(float[] expected, float[] actual, string engine)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1f, Math.Abs(expected[i])),
                $"{engine}, element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>
    /// A model with every parameter moved off its initial value, and users with 0 to 12 clicks at
    /// uneven ticks (windows that wrap, gaps from 1 to 40 ticks across every interval bucket).
    /// </summary>
    private static (SequenceModel Model, EventHistory History) Model(string name, int hidden, int layers = 1, int heads = 1, bool lstmCell = false)
    {
        var kind = Enum.GetValues<SequenceKind>().Single(k => SequenceStrategy.NameOf(k) == name);
        var settings = new SequenceSettings(hidden, Window, layers, heads, 0.01f, 8, 1, 0, lstmCell);
        var vectors = new float[Items * Dim];
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = KeyedRandom.Uniform(2, 1, 0, 0, (uint)i);
        }

        var model = SequenceStrategy.Build(kind, settings, vectors, Users, Items, Dim, K, seed: 5);
        var values = model.Parameters.Values;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += 0.1f * KeyedRandom.Normal(2, 2, 0, 0, (uint)i);
        }

        var history = new EventHistory(Users, Window);
        for (var u = 0; u < Users; u++)
        {
            var tick = 0;
            for (var c = 0; c < u % 13; c++)
            {
                tick += 1 + (int)(KeyedRandom.Bits(2, 3, (uint)u, 0, (uint)c) % 12);
                history.Add(u, (int)(KeyedRandom.Bits(2, 4, (uint)u, 0, (uint)c) % Items), tick, 3f * c, c % K);
            }
        }

        return (model, history);
    }
}
