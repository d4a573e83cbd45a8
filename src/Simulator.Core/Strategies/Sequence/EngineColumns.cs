using Simulator.Core.Compute;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// A sequence strategy's columns on the compute engine: the packed encoder parameters and the head
/// (repacked after every training step), the per-user hidden vectors, the recurrent state (bound to
/// the encoder's own arrays, so on CPU engines there is no copy) with the readout's time feature and
/// the cell step's rows, inputs and gaps, or the attention models' event windows (bound to the
/// history's arrays).
/// </summary>
internal sealed class EngineColumns : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly float[] _headWeights;
    private readonly float[] _headBias;

    // The Adam step count the packed columns were written at; -1: not packed yet, or stale.
    private long _packedAtStep = -1;

    public EngineColumns(IComputeEngine engine, SequenceModel model, EventHistory history, int users)
    {
        var hidden = model.Encoder.Hidden;
        var dim = model.Dim;
        Packed = Own(engine.Bind(new float[model.Encoder.PackedLength]));
        Hidden = Own(engine.Bind(new float[users * hidden]));
        _headWeights = new float[hidden * dim];
        _headBias = new float[dim];
        Head = new MlpLayer(Own(engine.Bind(_headWeights)), Own(engine.Bind(_headBias)), hidden, dim, Activation.Linear);
        Rows = Own(engine.Bind(new int[users]));
        Tau = Own(engine.Bind(new float[users]));
        if (model.Encoder is IRecurrentEncoder recurrent)
        {
            State = Own(engine.Bind(recurrent.State));
            Output = recurrent.Output is null ? null : Own(engine.Bind(recurrent.Output));
            Inputs = Own(engine.Bind(new float[users * model.Inputs.Width]));
            StepTau = Own(engine.Bind(new float[users]));
            UploadState();
        }
        else
        {
            Items = Own(engine.Bind(history.Items));
            Ticks = Own(engine.Bind(history.Ticks));
            LogDwell = Own(engine.Bind(history.LogDwell));
            Positions = Own(engine.Bind(history.Positions));
            Counts = Own(engine.Bind(history.Counts));
        }
    }

    public IColumn<float> Packed { get; }

    public IColumn<float> Hidden { get; }

    /// <summary>u = h W_u^T + b_u as one linear layer [Hidden x d].</summary>
    public MlpLayer Head { get; }

    /// <summary>The users of the cell step's rows.</summary>
    public IColumn<int> Rows { get; }

    /// <summary>The readout's time feature per user: ln(1 + ticks since the latest engagement).</summary>
    public IColumn<float> Tau { get; }

    public IColumn<float>? State { get; }

    public IColumn<float>? Output { get; }

    public IColumn<float>? Inputs { get; }

    public IColumn<float>? StepTau { get; }

    public IColumn<int>? Items { get; }

    public IColumn<int>? Ticks { get; }

    public IColumn<float>? LogDwell { get; }

    public IColumn<byte>? Positions { get; }

    public IColumn<int>? Counts { get; }

    /// <summary>Host bytes these columns add per user (besides the encoder's own state and the history).</summary>
    public static long BytesPerUser(SequenceEncoder encoder, int inputWidth) =>
        (4L * encoder.Hidden) + 8 + (encoder is IRecurrentEncoder ? (4L * inputWidth) + 4 : 0);

    /// <summary>
    /// Packs the encoder's parameters and the head into the engine's layout and uploads them, unless
    /// they were packed since the last Adam step (parameters change only there and when a checkpoint
    /// is read, which calls <see cref="Invalidate"/>).
    /// </summary>
    public void Pack(SequenceModel model)
    {
        if (_packedAtStep == model.Parameters.Steps)
        {
            return;
        }

        _packedAtStep = model.Parameters.Steps;
        model.Encoder.Pack(model.Parameters.Values, Packed.Host);
        Packed.Upload();
        model.HeadWeights(_headWeights, _headBias);
        Head.Weights.Upload();
        Head.Bias.Upload();
    }

    /// <summary>The parameters changed outside an Adam step (a checkpoint was read): pack again before the next use.</summary>
    public void Invalidate() => _packedAtStep = -1;

    public void UploadHistory()
    {
        Items?.Upload();
        Ticks?.Upload();
        LogDwell?.Upload();
        Positions?.Upload();
        Counts?.Upload();
    }

    public void UploadState()
    {
        State?.Upload();
        Output?.Upload();
    }

    public void DownloadState()
    {
        State?.Download();
        Output?.Download();
    }

    public void Dispose()
    {
        foreach (var column in _owned)
        {
            column.Dispose();
        }
    }

    private IColumn<T> Own<T>(IColumn<T> column)
        where T : unmanaged
    {
        _owned.Add(column);
        return column;
    }
}
