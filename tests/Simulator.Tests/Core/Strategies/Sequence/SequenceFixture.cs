using Simulator.Core.Strategies.Sequence;

namespace Simulator.Tests.Core.Strategies.Sequence;

/// <summary>A small sequence model (d = 4, M = 10 items, k = 3, L = 5) and a user history with uneven gaps.</summary>
internal static class SequenceFixture
{
    public const int Dim = 4;
    public const int Items = 10;
    public const int K = 3;
    public const int Window = 5;

    /// <summary>The kind a strategy name stands for.</summary>
    public static SequenceKind KindOf(string name) => Enum.GetValues<SequenceKind>().Single(k => SequenceStrategy.NameOf(k) == name);

    /// <summary>Item vectors of a catalog over 4 topics: item i leans on topic i mod 4.</summary>
    public static float[] ItemVectors()
    {
        var vectors = new float[Items * Dim];
        for (var i = 0; i < Items; i++)
        {
            for (var g = 0; g < Dim; g++)
            {
                vectors[(i * Dim) + g] = g == i % Dim ? 0.7f : 0.1f;
            }
        }

        return vectors;
    }

    /// <summary>
    /// A model with trained-looking (non-zero) weights everywhere: its parameters are perturbed by a
    /// fixed pattern, so zero-initialised blocks (biases, interval embeddings) also get a generic point,
    /// and time-lstm's memory decay is moved from its neutral start (beta = 5, where D is flat) to
    /// D = sigma(1 - 0.5 tau), where the decay's gradient is far above the difference quotient's noise.
    /// User 0 has six clicks (the window keeps the last five) at ticks 2, 3, 7, 8, 20, 21; user 1 none.
    /// </summary>
    public static (SequenceModel Model, EventHistory History) Model(SequenceKind kind, int layers = 1, int heads = 1, int hidden = 6)
    {
        var settings = new SequenceSettings(hidden, Window, layers, heads, 0.01f, 8, 1, 0);
        var model = SequenceStrategy.Build(kind, settings, ItemVectors(), users: 2, Items, Dim, K, seed: 5);
        var values = model.Parameters.Values;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += 0.05f * MathF.Sin(1.7f * i);
        }

        foreach (var (name, offset, length) in model.Parameters.Blocks)
        {
            var shift = name switch { "lstm.decay.alpha" => -0.5f, "lstm.decay.beta" => -4f, _ => 0f };
            for (var i = offset; i < offset + length; i++)
            {
                values[i] += shift;
            }
        }

        var history = new EventHistory(2, Window);
        (int Item, int Tick, float Dwell, int Position)[] clicks = [(2, 2, 5f, 0), (5, 3, 12f, 2), (2, 7, 3f, 1), (9, 8, 30f, 0), (1, 20, 7f, 1), (6, 21, 2f, 2)];
        foreach (var c in clicks)
        {
            history.Add(0, c.Item, c.Tick, c.Dwell, c.Position);
        }

        return (model, history);
    }
}
