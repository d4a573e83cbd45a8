using System.Numerics;
using System.Runtime.InteropServices;
using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// One world's satiation (boredom) per user x topic, and the effective interest it leaves:
/// s_g &lt;- gamma s_g + 1[clicked an item of primary topic g] (every tick, every user: time passes
/// for inactive users too), and the effective interest e_u = interest_u - (lambda / beta1) s_u, so that
/// beta1 &lt;e_u, x_i&gt; = beta1 &lt;interest_u, x_i&gt; - lambda &lt;s_u, x_i&gt;.
/// Per world because it depends on what the world's strategy made its users consume.
/// Layout: both columns [N x d] row-major per user, like the interest they modify.
/// </summary>
internal sealed class Satiation : ICheckpointable, IDisposable
{
    private readonly int _dim;
    private readonly float _decay;
    private readonly float _penalty;

    public Satiation(IComputeEngine engine, int users, int dim, SatiationSpec spec, float interestWeight)
    {
        _dim = dim;
        _decay = spec.Decay;
        _penalty = spec.Weight / interestWeight;
        Level = new float[users * dim];
        EffectiveInterest = engine.Bind(new float[users * dim]);
    }

    /// <summary>Satiation s [N x d]: carried from tick to tick.</summary>
    public float[] Level { get; }

    /// <summary>Effective interest [N x d]: recomputed each tick by <see cref="UpdateEffectiveInterest"/> before it is read.</summary>
    public IColumn<float> EffectiveInterest { get; }

    /// <summary>effective interest = interest - (lambda / beta1) s for users [start, end) (vectorised).</summary>
    public void UpdateEffectiveInterest(ReadOnlySpan<float> interest, int start, int end)
    {
        var range = new Range(start * _dim, end * _dim);
        var level = Level.AsSpan(range);
        var source = interest[range];
        var effective = EffectiveInterest.Host.AsSpan(range);
        var width = Vector<float>.Count;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = MemoryMarshal.Cast<float, Vector<float>>(level);
            var x = MemoryMarshal.Cast<float, Vector<float>>(source);
            var y = MemoryMarshal.Cast<float, Vector<float>>(effective);
            for (var v = 0; v < s.Length; v++)
            {
                y[v] = x[v] - (s[v] * _penalty);
            }

            i = s.Length * width;
        }

        for (; i < level.Length; i++)
        {
            effective[i] = source[i] - (level[i] * _penalty);
        }
    }

    /// <summary>The recursion for users [start, end): decay every topic, then add 1 to the clicked item's primary topic.</summary>
    public void Accumulate(int[] slates, int[] chosenPosition, int[] itemTopic, int k, int start, int end)
    {
        var level = Level.AsSpan(start * _dim, (end - start) * _dim);
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(level);
        for (var v = 0; v < vectors.Length; v++)
        {
            vectors[v] *= _decay;
        }

        for (var i = vectors.Length * Vector<float>.Count; i < level.Length; i++)
        {
            level[i] *= _decay;
        }

        for (var u = start; u < end; u++)
        {
            var position = chosenPosition[u];
            if (position >= 0)
            {
                Level[(u * _dim) + itemTopic[slates[(u * k) + position]]] += 1f;
            }
        }
    }

    public void ExchangeState(StateExchange state) => state.Floats("satiation.level", Level);

    public void Dispose() => EffectiveInterest.Dispose();
}
