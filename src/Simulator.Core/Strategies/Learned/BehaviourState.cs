using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// What the MLP strategies remember of each user's observed behaviour, per topic g (an item's
/// primary topic): strength S_g, log-dwell D_g and the tick L_g of the last engagement (-1 never).
/// Update rule on a click on an item of topic g at tick t, with retention r = R(t - L_g):
/// S_g &lt;- S_g r + eta (1 - S_g r), D_g &lt;- ln(1 + dwell), L_g &lt;- t. Without forgetting R = 1.
/// Features at tick t (3d values): [S_g R_g, D_g R_g, R_g] with R_g = R(t - L_g) (0 for topics never
/// engaged); the first block, S_g R_g, is the decayed interest estimate the score starts from.
/// Layout: [N x d] row-major per user, so one user's topics are contiguous.
/// </summary>
internal sealed class BehaviourState : ICheckpointable
{
    private readonly int _dim;

    public BehaviourState(int users, int dim, bool timeBlind)
    {
        _dim = dim;
        TimeBlind = timeBlind;
        Strength = new float[users * dim];
        Dwell = new float[users * dim];
        LastEngaged = new int[users * dim];
        Clicks = new int[users];
        TopicClicks = new int[users * dim];
        Array.Fill(LastEngaged, -1);
    }

    /// <summary>
    /// Gaps counted in the user's clicks, not in ticks (mlp-static): L_g holds the index of the
    /// user's click on topic g, and the gap is the clicks since. Order without time, as the
    /// time-blind sequence models see it.
    /// </summary>
    public bool TimeBlind { get; }

    /// <summary>Feature width: three blocks of d.</summary>
    public int FeatureWidth => 3 * _dim;

    public float[] Strength { get; }

    public float[] Dwell { get; }

    public int[] LastEngaged { get; }

    /// <summary>Clicks observed per user.</summary>
    public int[] Clicks { get; }

    /// <summary>Clicks observed per user and topic [N x d]: the long-run preference the forgetting fit conditions on.</summary>
    public int[] TopicClicks { get; }

    /// <summary>Long-run preference of topic g: its clicks relative to the user's most-clicked topic, in [0, 1].</summary>
    public float Preference(int u, int g)
    {
        var row = TopicClicks.AsSpan(u * _dim, _dim);
        var most = 0;
        foreach (var c in row)
        {
            most = Math.Max(most, c);
        }

        return most == 0 ? 0f : row[g] / (float)most;
    }

    /// <summary>Retention of topic g of user u at tick t (without forgetting R = 1 for every engaged topic).</summary>
    public float Retention(int u, int g, int tick, float alpha, float beta)
    {
        var last = LastEngaged[(u * _dim) + g];
        if (last < 0)
        {
            return 0f;
        }

        return AlphaRetention.Retain((TimeBlind ? Clicks[u] : tick) - last, alpha, beta);
    }

    /// <summary>Writes the user's 3d features; <paramref name="estimate"/> receives S_g R_g.</summary>
    public void Features(int u, int tick, float alpha, float beta, Span<float> features, Span<float> estimate)
    {
        var d = _dim;
        for (var g = 0; g < d; g++)
        {
            var r = Retention(u, g, tick, alpha, beta);
            var e = Strength[(u * d) + g] * r;
            estimate[g] = e;
            features[g] = e;
            features[d + g] = Dwell[(u * d) + g] * r;
            features[(2 * d) + g] = r;
        }
    }

    /// <summary>Applies the update rule for a click on topic g at the tick.</summary>
    public void Engage(int u, int g, int tick, float dwell, float alpha, float beta, float eta)
    {
        var at = (u * _dim) + g;
        var held = Strength[at] * Retention(u, g, tick, alpha, beta);
        Strength[at] = held + (eta * (1f - held));
        Dwell[at] = MathF.Log(1f + MathF.Max(0f, dwell));
        LastEngaged[at] = TimeBlind ? Clicks[u] : tick;
        Clicks[u]++;
        TopicClicks[at]++;
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("behaviour.strength", Strength);
        state.Floats("behaviour.dwell", Dwell);
        state.Ints("behaviour.lastEngaged", LastEngaged);
        state.Ints("behaviour.clicks", Clicks);
        state.Ints("behaviour.topicClicks", TopicClicks);
    }
}
