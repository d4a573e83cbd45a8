using Simulator.Core.Scenarios;
using Simulator.Core.Strategies.Sequence;

namespace Simulator.Tests.Core.Strategies.Sequence;

/// <summary>The sequence models' update rules on hand-worked cases, and what each twin may and may not see.</summary>
public sealed class SequenceModelTests
{
    /// <summary>
    /// GRU with W = U = 0: z = sigma(ln 3) = 0.75 and n = tanh(atanh 0.5) = 0.5 whatever the input,
    /// so h' = 0.25 x 0.5 + 0.75 h: 0.125 after one click, 0.21875 after two.
    /// </summary>
    [Fact]
    public void A_gru_step_follows_its_update_rule_by_hand()
    {
        var (model, _) = SequenceFixture.Model(SequenceFixture.KindOf("gru4rec"), hidden: 1);
        Set(model, "gru.w", 0f);
        Set(model, "gru.u", 0f);
        Set(model, "gru.bhn", 0f);
        var b = Block(model, "gru.b");
        b[0] = 0f;
        b[1] = MathF.Log(3f);
        b[2] = MathF.Atanh(0.5f);
        var history = new EventHistory(1, SequenceFixture.Window);
        var scratch = model.Encoder.CreateScratch();
        var h = new float[1];
        history.Add(0, 4, 1, 2f, 0);
        model.Encoder.Forward(0, history, 9, model.Parameters.Values, h, scratch);
        Assert.Equal(0.125f, h[0], 6);
        history.Add(0, 7, 3, 2f, 1);
        model.Encoder.Forward(0, history, 9, model.Parameters.Values, h, scratch);
        Assert.Equal(0.21875f, h[0], 6);
    }

    /// <summary>
    /// time-lstm with W = U = 0, gate biases i = f = 0 (sigma = 0.5), o = ln 3 (0.75), g = atanh 0.5:
    /// one click gives c = 0.5 x 0.5 = 0.25, o = 0.75. Seven ticks later the carry decays the memory
    /// by D = sigma(-ln 8 + 3) = 0.715146, so h_now = 0.75 tanh(0.25 D) = 0.132681; at the click's own
    /// tick D = sigma(3) = 0.952574 and h_now = 0.75 tanh(0.238144) = 0.175313.
    /// </summary>
    [Fact]
    public void Time_lstm_forgets_along_its_learned_decay_by_hand()
    {
        var (model, _) = SequenceFixture.Model(SequenceFixture.KindOf("time-lstm"), hidden: 1);
        Set(model, "lstm.w", 0f);
        Set(model, "lstm.u", 0f);
        Set(model, "lstm.decay.alpha", -1f);
        Set(model, "lstm.decay.beta", 3f);
        var b = Block(model, "lstm.b");
        (b[0], b[1], b[2], b[3]) = (0f, 0f, MathF.Log(3f), MathF.Atanh(0.5f));
        var history = new EventHistory(1, SequenceFixture.Window);
        history.Add(0, 4, 10, 2f, 0);
        var scratch = model.Encoder.CreateScratch();
        var h = new float[1];
        model.Encoder.Forward(0, history, 17, model.Parameters.Values, h, scratch);
        Assert.Equal(0.132681f, h[0], 5);
        model.Encoder.Forward(0, history, 10, model.Parameters.Values, h, scratch);
        Assert.Equal(0.175313f, h[0], 5);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(6, 2)]
    [InlineData(7, 3)]
    [InlineData(126, 6)]
    [InlineData(127, 7)]
    [InlineData(100_000, 7)]
    public void Interval_buckets_are_log2_bins_of_the_gap(int ticks, int bucket) =>
        Assert.Equal(bucket, AttentionEncoder.Bucket(ticks));

    [Fact]
    public void The_window_keeps_the_last_l_clicks_oldest_first()
    {
        var history = new EventHistory(2, 3);
        Assert.Equal(-1, history.LastTick(1));
        for (var t = 0; t < 5; t++)
        {
            history.Add(1, 10 + t, 2 * t, MathF.E - 1f, t % 2);
        }

        Assert.Equal(5, history.Count(1));
        Assert.Equal(3, history.Length(1));
        Assert.Equal([12, 13, 14], Enumerable.Range(0, 3).Select(j => history.At(1, j).Item));
        Assert.Equal([4, 6, 8], Enumerable.Range(0, 3).Select(j => history.At(1, j).Tick));
        Assert.Equal(1f, history.At(1, 2).LogDwell, 6);
        Assert.Equal(8, history.LastTick(1));
        Assert.Equal(0, history.Length(0));
    }

    /// <summary>
    /// A recurrent model recommends from a state advanced one cell step per click; training replays
    /// the window from zero. While the window holds every click the two are the same computation, bit
    /// for bit.
    /// </summary>
    [Theory]
    [InlineData("gru4rec")]
    [InlineData("time-lstm")]
    public void The_incremental_state_equals_a_replay_of_the_window(string name)
    {
        var (model, _) = SequenceFixture.Model(SequenceFixture.KindOf(name));
        var history = new EventHistory(2, SequenceFixture.Window);
        var scratch = model.CreateScratch();
        var encoderScratch = model.Encoder.CreateScratch();
        (int Item, int Tick)[] clicks = [(2, 1), (7, 2), (3, 9), (2, 10)];
        var incremental = new float[model.Encoder.Hidden];
        var replayed = new float[model.Encoder.Hidden];
        foreach (var (item, tick) in clicks)
        {
            history.Add(1, item, tick, 4f, 1);
            model.Encoder.Advance(1, history, model.Parameters.Values, encoderScratch);
            model.Encoder.Readout(1, history, 15, model.Parameters.Values, incremental, encoderScratch);
            model.Encoder.Forward(1, history, 15, model.Parameters.Values, replayed, scratch.Encoder);
            Assert.Equal(replayed, incremental);
        }
    }

    /// <summary>
    /// The twins differ only in time: shifting every tick (clicks and now) by the same amount changes
    /// nothing for any model, and moving only "now" later changes the time-aware models' user vector
    /// and leaves the time-blind ones' as they were.
    /// </summary>
    [Theory]
    [InlineData("gru4rec", false)]
    [InlineData("time-lstm", true)]
    [InlineData("sasrec", false)]
    [InlineData("tisasrec", true)]
    public void Only_the_time_aware_twin_sees_how_long_ago_the_clicks_were(string name, bool timeAware)
    {
        var (model, _) = SequenceFixture.Model(SequenceFixture.KindOf(name));
        var early = History(model, shift: 0);
        var late = History(model, shift: 50);
        var scratch = model.CreateScratch();
        float[] Vector(EventHistory history, int now)
        {
            var u = new float[SequenceFixture.Dim];
            model.UserVector(1, history, now, u, scratch);
            return u;
        }

        Assert.Equal(Vector(early, 12), Vector(late, 62));
        var soon = Vector(early, 12);
        var later = Vector(early, 40);
        if (timeAware)
        {
            Assert.NotEqual(soon, later);
        }
        else
        {
            Assert.Equal(soon, later);
        }
    }

    /// <summary>
    /// A time-aware twin starts as its time-blind twin: every shared block is drawn from the same
    /// keyed values and the time terms start neutral. tisasrec's interval embeddings start at 0, so
    /// before training it is sasrec exactly; time-lstm's memory decay starts at sigma(5) = 0.993 per
    /// carry, within 2% of gru4rec's LSTM cell (lstm = 1) after a few clicks.
    /// </summary>
    [Fact]
    public void Each_time_aware_twin_starts_as_its_time_blind_twin()
    {
        var items = SequenceFixture.ItemVectors();
        SequenceModel Fresh(SequenceKind kind, bool lstm = false) =>
            SequenceStrategy.Build(kind, new SequenceSettings(8, SequenceFixture.Window, 2, 2, 0.01f, 8, 1, 0, lstm), items, 2, SequenceFixture.Items, SequenceFixture.Dim, SequenceFixture.K, seed: 9);
        var history = new EventHistory(2, SequenceFixture.Window);
        foreach (var (item, tick) in new[] { (2, 1), (7, 4), (3, 9), (2, 30) })
        {
            history.Add(0, item, tick, 6f, 1);
        }

        float[] Vector(SequenceModel model)
        {
            var u = new float[SequenceFixture.Dim];
            model.UserVector(0, history, 40, u, model.CreateScratch());
            return u;
        }

        Assert.Equal(Vector(Fresh(SequenceKind.SasRec)), Vector(Fresh(SequenceKind.TiSasRec)));

        var twin = Fresh(SequenceKind.Gru4Rec, lstm: true);
        var timeAware = Fresh(SequenceKind.TimeLstm);
        var scratch = twin.Encoder.CreateScratch();
        var hTwin = new float[8];
        var hTime = new float[8];
        twin.Encoder.Forward(0, history, 40, twin.Parameters.Values, hTwin, scratch);
        timeAware.Encoder.Forward(0, history, 40, timeAware.Parameters.Values, hTime, timeAware.Encoder.CreateScratch());
        var gap = Math.Sqrt(hTwin.Zip(hTime, (a, b) => (a - b) * (a - b)).Sum() / hTwin.Sum(a => a * a));
        Assert.InRange(gap, 1e-6, 0.02);
    }

    [Fact]
    public void Attention_heads_must_split_the_hidden_width()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse("""{ "strategies": [{ "name": "tisasrec", "hidden": 30, "heads": 4 }] }""", "heads"));
        var error = Assert.Single(e.Errors);
        Assert.Equal("$.strategies[0].heads", error.Path);
        Assert.Contains("4 heads do not split hidden = 30 evenly", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, ScenarioParser.Parse("""{ "strategies": [{ "name": "sasrec", "hidden": 30, "heads": 3 }] }""", "heads").Strategies[0]["heads"]);
    }

    /// <summary>Four clicks of user 1 at ticks shift + 1, 2, 9, 10, fed through the recurrent state as they come.</summary>
    private static EventHistory History(SequenceModel model, int shift)
    {
        var history = new EventHistory(2, SequenceFixture.Window);
        var scratch = model.Encoder.CreateScratch();
        foreach (var (item, tick) in new[] { (2, 1), (7, 2), (3, 9), (2, 10) })
        {
            history.Add(1, item, tick + shift, 4f, 1);
            model.Encoder.Advance(1, history, model.Parameters.Values, scratch);
        }

        return history;
    }

    private static Span<float> Block(SequenceModel model, string name)
    {
        var (_, offset, length) = model.Parameters.Blocks.Single(b => b.Name == name);
        return model.Parameters.Values.AsSpan(offset, length);
    }

    private static void Set(SequenceModel model, string name, float value) => Block(model, name).Fill(value);
}
