using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// Adam (Kingma and Ba 2015) over one parameter array: m &lt;- b1 m + (1 - b1) g,
/// v &lt;- b2 v + (1 - b2) g^2, p &lt;- p - lr mhat / (sqrt(vhat) + eps), with bias-corrected
/// mhat = m / (1 - b1^t), vhat = v / (1 - b2^t) and t the step count shared by the caller.
/// </summary>
internal sealed class AdamOptimizer(string name, int length) : ICheckpointable
{
    public const float Beta1 = 0.9f;
    public const float Beta2 = 0.999f;
    public const float Epsilon = 1e-8f;

    private readonly float[] _m = new float[length];
    private readonly float[] _v = new float[length];

    /// <summary>One step on <paramref name="parameters"/> with gradient <paramref name="gradient"/>; <paramref name="step"/> counts from 1.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, long step)
    {
        var c1 = 1f / (1f - MathF.Pow(Beta1, step));
        var c2 = 1f / (1f - MathF.Pow(Beta2, step));
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i];
            _m[i] = (Beta1 * _m[i]) + ((1f - Beta1) * g);
            _v[i] = (Beta2 * _v[i]) + ((1f - Beta2) * g * g);
            parameters[i] -= learningRate * (_m[i] * c1) / (MathF.Sqrt(_v[i] * c2) + Epsilon);
        }
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats(name + ".adam.m", _m);
        state.Floats(name + ".adam.v", _v);
    }
}
