using Simulator.Core.Compute.Operators;
using Simulator.Core.Strategies;

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

    /// <summary>Satiation (boredom) of the choice model; off unless the file's choice.satiationWeight is set.</summary>
    public SatiationSpec Satiation { get; init; } = SatiationSpec.Off;

    /// <summary>The sweep's axes (empty: a single run). See <see cref="ScenarioSweep"/>.</summary>
    public IReadOnlyList<SweepAxis> Sweep { get; init; } = [];

    /// <summary>Interest dimension d: one per topic.</summary>
    public int Dim => Population.Topics;

    private readonly IReadOnlyList<DriftSpec>? _driftProcesses;

    /// <summary>
    /// The drift processes applied to interest logits in order each tick (the "drift" field: one
    /// process or an array). <see cref="Drift"/> is the first of them: code that replaces
    /// <see cref="Drift"/> with a <c>with</c> expression replaces the first process and keeps the rest.
    /// </summary>
    public IReadOnlyList<DriftSpec> DriftProcesses
    {
        get => _driftProcesses is { Count: > 0 } p && ReferenceEquals(p[0], Drift) ? p : [Drift, .. _driftProcesses?.Skip(1) ?? []];
        init => _driftProcesses = value;
    }

    /// <summary>Ticks of population-wide abrupt switches of every process, ascending (drift recovery is measured after them).</summary>
    public IReadOnlyList<int> DriftEventTicks => DriftProcesses.SelectMany(d => d.EventTicks).Distinct().Order().ToArray();

    /// <summary>Churn and return visits; disabled (threshold 0) unless the file asks for it.</summary>
    public ChurnSpec Churn { get; init; } = ChurnSpec.Disabled;

    /// <summary>The replication seeds: Seed, Seed + 1, ..., Seed + SeedCount - 1.</summary>
    public IReadOnlyList<ulong> Seeds => Enumerable.Range(0, SeedCount).Select(i => Seed + (ulong)i).ToArray();
}

/// <summary>
/// Users: N users over G topics; initial interest logits ~ LogitScale c_s N(0, 1) (c_s the
/// segment's concentration); activity = median P(active in a tick). Heterogeneity: per-user
/// activity = min(1, Activity a_s e^(ActivitySpread N)) and drift-rate multiplier
/// r_s e^(DriftHeterogeneity N), both keyed per user; a_s, r_s from the user's segment.
/// </summary>
public sealed record PopulationSpec(int Users, int Topics, float LogitScale, float Activity)
{
    /// <summary>Log-sd of the per-user activity rate around <see cref="Activity"/> (0 = every user the same).</summary>
    public float ActivitySpread { get; init; }

    /// <summary>Log-sd of the per-user drift-rate multiplier (0 = every user drifts at the process rate).</summary>
    public float DriftHeterogeneity { get; init; }

    /// <summary>Archetypes with mixture weights; empty = one "typical" segment with every scale 1.</summary>
    public IReadOnlyList<SegmentSpec> Segments { get; init; } = [];
}

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
    float Reinforcement)
{
    /// <summary>
    /// Spontaneous recovery: per user and tick, with this probability one keyed topic's
    /// strength w jumps part of the way back to 1, w += RecoveryFraction (1 - w), and its curve
    /// restarts from there (as after an engagement, without consumption). 0 = off.
    /// </summary>
    public float RecoveryRate { get; init; }

    /// <summary>The share of the lost strength a spontaneous recovery restores.</summary>
    public float RecoveryFraction { get; init; } = 0.5f;
}

/// <summary>
/// Items: topic-mixture embeddings with Focus mass on a primary topic; quality ~ N(0, QualitySd).
/// Items is the capacity; <see cref="Dynamics"/> says when items arrive and how their appeal changes.
/// </summary>
public sealed record CatalogSpec(int Items, float Focus, float QualitySd)
{
    public CatalogDynamicsSpec Dynamics { get; init; } = CatalogDynamicsSpec.Static;
}

/// <summary>The drift process acting on users' interest logits.</summary>
public enum DriftKind
{
    /// <summary>No drift: the control condition.</summary>
    Stationary = 0,

    /// <summary>Abrupt switches to a new concept: per user at Poisson rate Rate, and population-wide at EventTicks.</summary>
    Abrupt = 1,

    /// <summary>Ornstein-Uhlenbeck on logits: z += Kappa (mu - z) + Sigma eps, mu the user's initial logits.</summary>
    OrnsteinUhlenbeck = 2,

    /// <summary>
    /// Gradual: each user moves once to a second concept (fresh logits); the share of users moved by
    /// tick t is P(new) = 1/(1+exp(-4(t-Midpoint)/Width)) (a per-user keyed threshold on that curve).
    /// </summary>
    Gradual = 3,

    /// <summary>Recurring/seasonal: z = mu + Amplitude sin(2 pi t/Period + Phase) v_u, v_u a keyed per-user direction.</summary>
    Seasonal = 4,
}

/// <summary>Drift parameters; fields not used by the kind keep their defaults.</summary>
public sealed record DriftSpec(DriftKind Kind, float Rate, float Shift, IReadOnlyList<int> EventTicks, float Kappa, float Sigma)
{
    /// <summary>Gradual: the tick at which half the users have moved to the new concept.</summary>
    public float Midpoint { get; init; } = 50f;

    /// <summary>Gradual: the width (ticks) of the sigmoid; the move takes about Width ticks.</summary>
    public float Width { get; init; } = 20f;

    /// <summary>Seasonal: amplitude A of the oscillation in logit units.</summary>
    public float Amplitude { get; init; } = 1f;

    /// <summary>Seasonal: period P in ticks.</summary>
    public float Period { get; init; } = 30f;

    /// <summary>Seasonal: phase phi in radians, shared by every user (seasons are in sync).</summary>
    public float Phase { get; init; }
}

/// <summary>
/// A strategy to run, with its resolved hyper-parameters (defaults filled in). <see cref="External"/>
/// names where a strategy from outside the simulator comes from (a plugin assembly and type, or a
/// policy server's endpoint); null for a built-in.
/// </summary>
public sealed record StrategySpec(string Name, IReadOnlyDictionary<string, double> Parameters)
{
    public double this[string parameter] => Parameters[parameter];

    /// <summary>A plugin or a policy server; null for a built-in strategy.</summary>
    public ExternalStrategy? External { get; init; }

    /// <summary>
    /// The descriptor an external strategy was resolved to when the scenario was parsed with a
    /// <see cref="StrategyResolver"/>; null for built-ins (found by name) and for external
    /// strategies read without one (a run folder read back), which cannot run.
    /// </summary>
    internal StrategyDescriptor? Descriptor { get; init; }

    /// <summary>The descriptor that creates this strategy, or null when an external one was never resolved.</summary>
    internal StrategyDescriptor? Resolved => Descriptor ?? (External is null ? StrategyCatalog.Find(Name) : null);
}
