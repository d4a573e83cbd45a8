namespace Simulator.Core.Strategies.Learned;

/// <summary>How an MLP strategy forgets: blind to time, with one alpha for everyone, or with alpha per user.</summary>
internal enum ForgettingMode
{
    /// <summary>
    /// mlp-static: mlp-forgetting with gaps counted in the user's own clicks instead of ticks. The
    /// same retention curve and per-user fit, so the twin discounts older engagements as much as
    /// the forgetting model does, but how long the user was away never enters.
    /// </summary>
    TimeBlind = 0,

    /// <summary>mlp-global-alpha: one alpha fitted over all users.</summary>
    Global = 1,

    /// <summary>mlp-forgetting: alpha fitted per user from that user's history.</summary>
    PerUser = 2,
}

/// <summary>Hyper-parameters of the MLP strategies (scenario names in brackets).</summary>
/// <param name="Hidden">[hidden] width of the hidden layer.</param>
/// <param name="LearningRate">[learningRate] Adam step size of the network.</param>
/// <param name="Batch">[batch] users per minibatch.</param>
/// <param name="Steps">[steps] minibatches (Adam steps) per tick.</param>
/// <param name="Warmup">[warmup] ticks observed before the network trains.</param>
/// <param name="AlphaInit">[alphaInit] starting forgetting coefficient alpha.</param>
/// <param name="AlphaPrior">[alphaPrior] weight, in clicks, of the population's likelihood in each user's alpha fit.</param>
/// <param name="Shape">[shape] beta of the retention sigmoid (midpoint beta / alpha ticks).</param>
/// <param name="Reinforcement">[reinforcement] eta in S &lt;- S r + eta (1 - S r) on a click.</param>
internal sealed record MlpSettings(
    int Hidden,
    float LearningRate,
    int Batch,
    int Steps,
    int Warmup,
    float AlphaInit,
    float AlphaPrior,
    float Shape,
    float Reinforcement)
{
    /// <summary>The network's hyper-parameters with their defaults and ranges (every MLP strategy takes them).</summary>
    public static IReadOnlyList<StrategyParameter> NetworkParameters { get; } =
    [
        new("hidden", 32, 1, 1024, "width of the MLP's hidden layer (integer)"),
        new("learningRate", 0.02, 0.0, 1.0, "Adam step size of the network"),
        new("batch", 256, 1, 100000, "users per training minibatch (integer)"),
        new("steps", 2, 0, 100, "minibatches (Adam steps) per tick (integer)"),
        new("warmup", 5, 0, 100000, "ticks observed before the network trains (integer)"),
        new("reinforcement", 0.5, 0.0, 1.0, "eta: S <- S r + eta (1 - S r) on a click"),
    ];

    /// <summary>The alpha fit's hyper-parameters (every MLP strategy takes them; mlp-global-alpha has no alphaPrior).</summary>
    public static IReadOnlyList<StrategyParameter> ForgettingParameters { get; } =
    [
        new("alphaInit", 0.3, 0.01, 5.0, "starting forgetting coefficient alpha (1/tick)"),
        new("alphaPrior", 100, 0.0, 1e6, "weight, in responses, of the population's click likelihood in each user's alpha fit (shrinkage; dwell evidence is not shrunk)"),
        new("shape", 3, 0.0, 20.0, "beta of R(dt) = (1 + e^-beta) / (1 + e^(alpha dt - beta)); midpoint beta / alpha"),
    ];

    /// <summary>Settings from a scenario's resolved hyper-parameters; forgetting fields a strategy does not take keep their defaults.</summary>
    public static MlpSettings From(Scenarios.StrategySpec spec) => new(
        (int)spec["hidden"],
        (float)spec["learningRate"],
        (int)spec["batch"],
        (int)spec["steps"],
        (int)spec["warmup"],
        (float)ForgettingValue(spec, "alphaInit"),
        (float)ForgettingValue(spec, "alphaPrior"),
        (float)ForgettingValue(spec, "shape"),
        (float)spec["reinforcement"]);

    private static double ForgettingValue(Scenarios.StrategySpec spec, string name) =>
        spec.Parameters.TryGetValue(name, out var value) ? value : ForgettingParameters.Single(p => p.Name == name).Default;
}
