namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// The input vector of one engagement, a = [E_item, ln(1 + dwell) / 4, position / k] (width d + 2),
/// built from the learned item embeddings E [M x d] in the parameter set; its backward adds
/// dL/da's first d entries to the clicked item's row of E's gradient. Dwell and position enter as
/// observed (what a logged session model sees); the quarter scales ln dwell to about unit size.
/// </summary>
internal sealed class EventInputs(ParameterSet.Block embeddings, int dim, int k, int window)
{
    public const float DwellScale = Compute.AttentionLayout.DwellScale;

    /// <summary>d + 2.</summary>
    public int Width => dim + 2;

    public int Dim => dim;

    /// <summary>The slate length k (positions enter as position / k).</summary>
    public int K => k;

    /// <summary>L: the longest window an encoder reads (sizes the scratch buffers).</summary>
    public int Window => window;

    public ParameterSet.Block Embeddings => embeddings;

    public void Build(ReadOnlySpan<float> parameters, EventHistory.Event e, Span<float> a)
    {
        parameters.Slice(embeddings.Offset + (e.Item * dim), dim).CopyTo(a);
        a[dim] = DwellScale * e.LogDwell;
        a[dim + 1] = (float)e.Position / k;
    }

    public void Backward(EventHistory.Event e, ReadOnlySpan<float> da, float[] gradient)
    {
        var row = gradient.AsSpan(embeddings.Offset + (e.Item * dim), dim);
        for (var g = 0; g < dim; g++)
        {
            row[g] += da[g];
        }
    }
}
