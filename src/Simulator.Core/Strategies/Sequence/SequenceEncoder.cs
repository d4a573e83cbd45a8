using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// The part of a sequence model that turns a user's engagements into a hidden vector h_now of
/// width <see cref="Hidden"/> at recommendation time. Subclasses register their parameters in the
/// model's <see cref="ParameterSet"/> and implement the forward pass (with a cache for training) and
/// its backward pass; recurrent encoders also keep a per-user state that advances one cell step per
/// new engagement. Gradients with respect to an event's input vector go back through
/// <see cref="EventInputs"/> to the item embeddings.
/// </summary>
internal abstract class SequenceEncoder : ICheckpointable
{
    protected SequenceEncoder(EventInputs inputs, int hidden, bool timeAware)
    {
        Inputs = inputs;
        Hidden = hidden;
        TimeAware = timeAware;
    }

    public EventInputs Inputs { get; }

    public int Hidden { get; }

    /// <summary>Whether the encoder sees time (gaps between events and from the last event to now).</summary>
    public bool TimeAware { get; }

    /// <summary>Floats of per-user state this encoder holds (for memory estimates).</summary>
    public virtual int StateWidth => 0;

    /// <summary>h_now of the user for recommending at tick <paramref name="now"/> (inference: no cache).</summary>
    public abstract void Readout(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch);

    /// <summary>
    /// Forward over the user's window with everything the backward pass needs kept in
    /// <paramref name="scratch"/>; writes h_now. For recurrent encoders this replays the window from
    /// the zero state (truncated backpropagation through time at the window length).
    /// </summary>
    public abstract void Forward(int user, EventHistory history, int now, ReadOnlySpan<float> parameters, Span<float> hNow, EncoderScratch scratch);

    /// <summary>Backward of the last <see cref="Forward"/>: adds every parameter's gradient for dL/dh_now into <paramref name="gradient"/>.</summary>
    public abstract void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> dhNow, float[] gradient, EncoderScratch scratch);

    /// <summary>After the user's newest engagement was added to the history: advance the per-user state (recurrent encoders).</summary>
    public virtual void Advance(int user, EventHistory history, ReadOnlySpan<float> parameters, EncoderScratch scratch)
    {
    }

    public virtual void ExchangeState(StateExchange state)
    {
    }

    /// <summary>Floats of the packed column the compute engine's operation reads (see <see cref="Pack"/>).</summary>
    public abstract int PackedLength { get; }

    /// <summary>Writes the encoder's parameters in the engine's layout (input-major matrices).</summary>
    public abstract void Pack(ReadOnlySpan<float> parameters, Span<float> packed);

    /// <summary>Scratch buffers sized for this encoder, one per worker thread.</summary>
    public abstract EncoderScratch CreateScratch();
}

/// <summary>Per-thread work buffers of an encoder: the forward caches of a window and the backward's temporaries.</summary>
internal abstract class EncoderScratch
{
}
