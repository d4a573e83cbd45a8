using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Scenarios;

/// <summary>
/// A validated, fully resolved scenario: every default filled in. Produced only by
/// <see cref="ScenarioParser"/> (file -> DTO -> validation -> Scenario); commands never build one by hand.
/// </summary>
public sealed record Scenario(
    string Name,
    string Description,
    ulong Seed,
    int SeedCount,
    int Ticks,
    float TickLength,
    int Shards,
    int SlateSize,
    PopulationSpec Population,
    ForgettingSpec Forgetting,
    CatalogSpec Catalog,
    DriftSpec Drift,
    ChoiceParameters Choice,
    IReadOnlyList<StrategySpec> Strategies,
    IReadOnlyList<string> Metrics)
{
    /// <summary>
    /// The strategy every other one is compared with (paired differences per seed); the first
    /// listed strategy unless the file names one. Always one of <see cref="Strategies"/>.
    /// </summary>
    public string Reference { get; init; } = Strategies.Count > 0 ? Strategies[0].Name : string.Empty;

    /// <summary>The sweep's axes (empty: a single run). See <see cref="ScenarioSweep"/>.</summary>
    public IReadOnlyList<SweepAxis> Sweep { get; init; } = [];

    /// <summary>Interest dimension d: one per topic.</summary>
    public int Dim => Population.Topics;

    /// <summary>The replication seeds: Seed, Seed + 1, ..., Seed + SeedCount - 1.</summary>
    public IReadOnlyList<ulong> Seeds => Enumerable.Range(0, SeedCount).Select(i => Seed + (ulong)i).ToArray();
}

/// <summary>Users: N users over G topics; initial interest logits ~ LogitScale N(0, 1); activity = P(active in a tick).</summary>
public sealed record PopulationSpec(int Users, int Topics, float LogitScale, float Activity);

/// <summary>
/// Forgetting of true interest strength, per user x topic, toward Baseline. Per-user curve
/// parameters are log-normal around the given medians with log-sd Heterogeneity (0 = identical
/// users). Parameter 1 is the half-life (exponential), midpoint (sigmoid) or tau (power law);
/// parameter 2 is unused, the width, or the exponent. Reinforcement is eta in w += eta (1 - w).
/// </summary>
public sealed record ForgettingSpec(
    ForgettingCurve Curve,
    float Parameter1,
    float Parameter2,
    float Heterogeneity,
    float Baseline,
    float Reinforcement);

/// <summary>Items: topic-mixture embeddings with Focus mass on a primary topic; quality ~ N(0, QualitySd).</summary>
public sealed record CatalogSpec(int Items, float Focus, float QualitySd);

/// <summary>The drift process acting on users' interest logits.</summary>
public enum DriftKind
{
    /// <summary>No drift: the control condition.</summary>
    Stationary = 0,

    /// <summary>Abrupt switches to a new concept: per user at Poisson rate Rate, and population-wide at EventTicks.</summary>
    Abrupt = 1,

    /// <summary>Ornstein-Uhlenbeck on logits: z += Kappa (mu - z) + Sigma eps, mu the user's initial logits.</summary>
    OrnsteinUhlenbeck = 2,
}

/// <summary>Drift parameters; fields not used by the kind keep their defaults.</summary>
public sealed record DriftSpec(DriftKind Kind, float Rate, float Shift, IReadOnlyList<int> EventTicks, float Kappa, float Sigma);

/// <summary>A strategy to run, with its resolved hyper-parameters (defaults filled in).</summary>
public sealed record StrategySpec(string Name, IReadOnlyDictionary<string, double> Parameters)
{
    public double this[string parameter] => Parameters[parameter];
}
