namespace Simulator.Core.Strategies.Learned;

/// <summary>How an MLP strategy forgets: not at all, with one alpha for everyone, or with alpha per user.</summary>
public enum ForgettingMode
{
    /// <summary>mlp-static: R = 1, features carry no time information.</summary>
    None = 0,

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
public sealed record MlpSettings(
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
    /// <summary>Settings from a scenario's resolved hyper-parameters (absent forgetting fields keep their defaults).</summary>
    public static MlpSettings From(Scenarios.StrategySpec spec) => new(
        (int)spec["hidden"],
        (float)spec["learningRate"],
        (int)spec["batch"],
        (int)spec["steps"],
        (int)spec["warmup"],
        (float)spec.Parameters.GetValueOrDefault("alphaInit", 0.3),
        (float)spec.Parameters.GetValueOrDefault("alphaPrior", 100.0),
        (float)spec.Parameters.GetValueOrDefault("shape", 3.0),
        (float)spec["reinforcement"]);
}
