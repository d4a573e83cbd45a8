namespace Simulator.Core.Compute;

/// <summary>The recurrent cells of the sequence models.</summary>
public enum RecurrentCell
{
    /// <summary>gru4rec's GRU: state h.</summary>
    Gru,

    /// <summary>An LSTM without time terms (gru4rec's LSTM cell): state (c, o).</summary>
    Lstm,

    /// <summary>time-lstm's cell: the LSTM with a time input in its gates and a learned decay of c over the gap.</summary>
    TimeLstm,
}

/// <summary>
/// Where each part of a recurrent cell's parameters lies in its packed column, every matrix
/// input-major so a batch of rows is one product: Weights [(Inputs + Hidden) x Columns] (rows
/// 0..Inputs-1 multiply the event input a, the next Hidden rows the carried hidden state), Bias
/// [Columns], and for <see cref="RecurrentCell.TimeLstm"/> TimeWeights [Columns], Alpha [Hidden],
/// Beta [Hidden]. Column blocks of width Hidden: GRU r, z, n_a (W_n a + b_n), n_h (U_n h + b_hn),
/// with the unused half of each n block zero; LSTM i, f, o, g.
/// </summary>
public readonly record struct RecurrentLayout(RecurrentCell Cell, int Inputs, int Hidden)
{
    public int Columns => 4 * Hidden;

    public int Rows => Inputs + Hidden;

    public int BiasOffset => Rows * Columns;

    public int TimeWeightsOffset => BiasOffset + Columns;

    public int AlphaOffset => TimeWeightsOffset + Columns;

    public int BetaOffset => AlphaOffset + Hidden;

    /// <summary>Floats in the packed column.</summary>
    public int Length => Cell == RecurrentCell.TimeLstm ? BetaOffset + Hidden : TimeWeightsOffset;

    /// <summary>Multiply-adds of one cell step (the dense product; gates not counted).</summary>
    public long StepMultiplyAdds => (long)Rows * Columns;
}

/// <summary>
/// One cell step for a batch of rows (users with a new engagement): row r advances user
/// Users[r] with input Inputs[r] [Rows x layout.Inputs] and gap feature Tau[r] (time-lstm only).
/// GRU: x = [a, h]; r, z = sigma, n = tanh(n_a + r n_h); h' = (1 - z) n + z h (State = h).
/// LSTM: D = sigma(alpha tau + beta) (1 without time), c~ = c D, x = [a, o tanh(c~)];
/// i, f, o' = sigma, g = tanh, pre += w_t tau (time-lstm); c' = f c~ + i g (State = c, Output = o).
/// State and Output are [N x Hidden] per user; rows must name distinct users.
/// </summary>
public readonly record struct RecurrentStepOperands(
    int Rows,
    RecurrentLayout Layout,
    IColumn<float> Parameters,
    IColumn<int> Users,
    IColumn<float> Inputs,
    IColumn<float>? Tau,
    IColumn<float> State,
    IColumn<float>? Output);

/// <summary>
/// The hidden vector each user recommends with: GRU h; LSTM o tanh(c D(tau)) with Tau[u] the time
/// feature from the user's latest engagement to now (D = 1 without time). Hidden is [Users x Hidden].
/// </summary>
public readonly record struct RecurrentReadoutOperands(
    int Users,
    RecurrentLayout Layout,
    IColumn<float> Parameters,
    IColumn<float> State,
    IColumn<float>? Output,
    IColumn<float>? Tau,
    IColumn<float> Hidden);

/// <summary>
/// Where each part of an attention encoder's parameters lies in its packed column (every matrix
/// input-major): In [Inputs x Hidden], InBias [Hidden], Rank [Window x Hidden], Query [Hidden], then
/// per layer QKV [Hidden x 3 Hidden] (Q, K, V side by side), O [Hidden x Hidden], OBias,
/// Ffn1 [Hidden x Hidden], Ffn1Bias, Ffn2 [Hidden x Hidden], Ffn2Bias, IntervalK [Buckets x Hidden],
/// IntervalV [Buckets x Hidden] (zero and unused when not time-aware).
/// </summary>
public readonly record struct AttentionLayout(int Dim, int Hidden, int Window, int Layers, int Heads, bool TimeAware, int K)
{
    /// <summary>Interval buckets: log2 bins of the gap in ticks, the last holding 127 ticks and more.</summary>
    public const int Buckets = 8;

    /// <summary>Scale of ln(1 + dwell) in an event's input vector (about unit size).</summary>
    public const float DwellScale = 0.25f;

    /// <summary>An event's input width: the item embedding, scaled ln dwell, position / k.</summary>
    public int Inputs => Dim + 2;

    public int InBiasOffset => Inputs * Hidden;

    public int RankOffset => InBiasOffset + Hidden;

    public int QueryOffset => RankOffset + (Window * Hidden);

    public int FirstLayerOffset => QueryOffset + Hidden;

    public int LayerLength => (6 * Hidden * Hidden) + (3 * Hidden) + (2 * Buckets * Hidden);

    public int Layer(int l) => FirstLayerOffset + (l * LayerLength);

    public int QkvOffset(int l) => Layer(l);

    public int OOffset(int l) => QkvOffset(l) + (3 * Hidden * Hidden);

    public int OBiasOffset(int l) => OOffset(l) + (Hidden * Hidden);

    public int Ffn1Offset(int l) => OBiasOffset(l) + Hidden;

    public int Ffn1BiasOffset(int l) => Ffn1Offset(l) + (Hidden * Hidden);

    public int Ffn2Offset(int l) => Ffn1BiasOffset(l) + Hidden;

    public int Ffn2BiasOffset(int l) => Ffn2Offset(l) + (Hidden * Hidden);

    public int IntervalKOffset(int l) => Ffn2BiasOffset(l) + Hidden;

    public int IntervalVOffset(int l) => IntervalKOffset(l) + (Buckets * Hidden);

    /// <summary>Floats in the packed column.</summary>
    public int Length => Layer(Layers);

    /// <summary>The interval bucket of a gap of <paramref name="ticks"/> ticks: min(7, floor(log2(1 + ticks))).</summary>
    public static int Bucket(int ticks) => Math.Min(Buckets - 1, 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)(1 + Math.Max(ticks, 0))));

    /// <summary>
    /// Multiply-adds of one user's readout with <paramref name="events"/> engagements: the token
    /// projections, every layer's K and V over all tokens, Q, attention, O and the feed-forward over
    /// all tokens but in the last layer only over the now token.
    /// </summary>
    public long ReadoutMultiplyAdds(int events)
    {
        long tokens = events + 1;
        long h = Hidden;
        var total = events * Inputs * h;
        for (var l = 0; l < Layers; l++)
        {
            var rows = l == Layers - 1 ? 1 : tokens;
            total += (tokens * 2 * h * h) + (rows * 4 * h * h);
            total += rows * tokens * 2 * h;
        }

        return total;
    }
}

/// <summary>
/// h_now of each user from the last engagements of its window (sasrec / tisasrec): the events are
/// read from the user's ring [Users x Window] (Items, Ticks, LogDwell, Positions, Counts as kept by
/// the strategy's event history: a user's events start at slot (count - length) mod Window), the
/// input of an event is [E_item, DwellScale ln(1 + dwell), position / K] from Embeddings [M x Dim].
/// Tokens x_j = In a_j + InBias + Rank[n-1-j], x_now = Query; each layer:
/// logit_ij = Q_i . (K_j + IntervalK[b_ij]) / sqrt(d_h) over j &lt;= i, A = softmax,
/// Z_i = sum_j A_ij (V_j + IntervalV[b_ij]), y = x + O Z + OBias, x' = y + Ffn2 relu(Ffn1 y + Ffn1Bias) + Ffn2Bias,
/// with b_ij the bucket of t_i - t_j (t_now = Now) when time-aware. Hidden [Users x Hidden] is the now token's output.
/// </summary>
public readonly record struct AttentionReadoutOperands(
    int Users,
    AttentionLayout Layout,
    IColumn<float> Parameters,
    IColumn<float> Embeddings,
    IColumn<int> Items,
    IColumn<int> Ticks,
    IColumn<float> LogDwell,
    IColumn<byte> Positions,
    IColumn<int> Counts,
    int Now,
    IColumn<float> Hidden);
