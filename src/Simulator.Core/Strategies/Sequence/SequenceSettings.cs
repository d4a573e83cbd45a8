using Simulator.Core.Scenarios;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>The four sequence models: two encoders, each with a time-aware and a time-blind form.</summary>
internal enum SequenceKind
{
    /// <summary>GRU over the engagements, time-blind.</summary>
    Gru4Rec,

    /// <summary>LSTM with time in its gates and an elapsed-time decay of its memory, up to now.</summary>
    TimeLstm,

    /// <summary>Causal self-attention over the last L engagements, order only.</summary>
    SasRec,

    /// <summary>The same with learned embeddings of the intervals between engagements and to now.</summary>
    TiSasRec,
}

/// <summary>Hyper-parameters of the sequence models (scenario names in brackets).</summary>
/// <param name="Hidden">[hidden] width H of the encoder.</param>
/// <param name="Window">[window] L: engagements kept per user and replayed in training.</param>
/// <param name="Layers">[layers] attention blocks (sasrec, tisasrec).</param>
/// <param name="Heads">[heads] attention heads (sasrec, tisasrec); H must be a multiple.</param>
/// <param name="LearningRate">[learningRate] Adam step size.</param>
/// <param name="Batch">[batch] users per minibatch.</param>
/// <param name="Steps">[steps] minibatches (Adam steps) per tick.</param>
/// <param name="Warmup">[warmup] ticks observed before training starts.</param>
/// <param name="LstmCell">[lstm] gru4rec only: an LSTM cell instead of the GRU (time-lstm's cell without its time terms).</param>
internal sealed record SequenceSettings(int Hidden, int Window, int Layers, int Heads, float LearningRate, int Batch, int Steps, int Warmup, bool LstmCell = false)
{
    /// <summary>Every sequence model's hyper-parameters, with defaults small enough for quickstart.json.</summary>
    public static IReadOnlyList<StrategyParameter> CommonParameters { get; } =
    [
        new("hidden", 32, 2, 1024, "width H of the encoder (integer)"),
        new("window", 20, 1, 200, "L: engagements kept per user and replayed in training (integer)"),
        new("learningRate", 0.005, 0.0, 1.0, "Adam step size"),
        new("batch", 256, 1, 100000, "users per training minibatch (integer)"),
        new("steps", 2, 0, 100, "minibatches (Adam steps) per tick (integer)"),
        new("warmup", 5, 0, 100000, "ticks observed before training starts (integer)"),
    ];

    /// <summary>gru4rec's extra hyper-parameter: its cell.</summary>
    public static IReadOnlyList<StrategyParameter> CellParameters { get; } =
    [
        new("lstm", 0, 0, 1, "1: an LSTM cell instead of the GRU, which makes gru4rec time-lstm's exact twin (time-lstm minus its time terms); 0: the GRU (integer)"),
    ];

    /// <summary>The attention models' extra hyper-parameters.</summary>
    public static IReadOnlyList<StrategyParameter> AttentionParameters { get; } =
    [
        new("layers", 1, 1, 16, "attention blocks (integer)"),
        new("heads", 1, 1, 16, "attention heads; hidden must be a multiple (integer)"),
    ];

    /// <summary>Settings from a scenario's resolved hyper-parameters; the attention fields keep their defaults for the recurrent models.</summary>
    public static SequenceSettings From(StrategySpec spec) => new(
        (int)spec["hidden"],
        (int)spec["window"],
        (int)AttentionValue(spec, "layers"),
        (int)AttentionValue(spec, "heads"),
        (float)spec["learningRate"],
        (int)spec["batch"],
        (int)spec["steps"],
        (int)spec["warmup"],
        spec.Parameters.TryGetValue("lstm", out var lstm) && lstm >= 0.5);

    /// <summary>The attention models' cross-parameter rule: the heads split the hidden width evenly.</summary>
    public static (string Parameter, string Message)? CheckHeads(IReadOnlyDictionary<string, double> parameters)
    {
        var hidden = (int)parameters["hidden"];
        var heads = (int)parameters["heads"];
        return hidden % heads == 0
            ? null
            : ("heads", $"{heads} heads do not split hidden = {hidden} evenly; expected a divisor of {hidden}");
    }

    private static double AttentionValue(StrategySpec spec, string name) =>
        spec.Parameters.TryGetValue(name, out var value) ? value : AttentionParameters.Single(p => p.Name == name).Default;
}
