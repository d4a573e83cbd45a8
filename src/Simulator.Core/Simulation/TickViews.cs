using Simulator.Core.Scenarios;

namespace Simulator.Core.Simulation;

/// <summary>
/// One seed's shared, per-user and per-item ground truth at the start of the seed, for
/// <see cref="ITickObserver"/>: the per-user forgetting parameters and the catalog's topics and
/// quality (both fixed for the whole seed in this version).
/// </summary>
public sealed class SeedView
{
    /// <summary>Position of this seed in <see cref="Scenario.Seeds"/>.</summary>
    public required int SeedIndex { get; init; }

    /// <summary>The seed value itself (what exports print).</summary>
    public required ulong Seed { get; init; }

    /// <summary>The scenario being run (population-level settings such as the curve and baseline).</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>Forgetting curve parameter 1 per user [N] (half-life, midpoint or tau).</summary>
    public required ReadOnlyMemory<float> CurveP1 { get; init; }

    /// <summary>Forgetting curve parameter 2 per user [N] (unused, width or exponent).</summary>
    public required ReadOnlyMemory<float> CurveP2 { get; init; }

    /// <summary>Each item's primary topic [M].</summary>
    public required ReadOnlyMemory<int> ItemTopic { get; init; }

    /// <summary>Each item's embedding [M x d], row-major: its weight on every topic.</summary>
    public required ReadOnlyMemory<float> ItemVectors { get; init; }

    /// <summary>Each item's quality [M].</summary>
    public required ReadOnlyMemory<float> ItemQuality { get; init; }

    /// <summary>Each user's segment index into <see cref="SegmentNames"/> [N].</summary>
    public required ReadOnlyMemory<byte> Segment { get; init; }

    /// <summary>The population's segment names (one "typical" segment when the scenario names none).</summary>
    public required IReadOnlyList<string> SegmentNames { get; init; }

    /// <summary>Each user's probability of arriving in a tick [N].</summary>
    public required ReadOnlyMemory<float> ActivityRate { get; init; }
}

/// <summary>What every world showed and what its users did in one finished tick, for <see cref="ITickObserver"/>.</summary>
public sealed class TickView
{
    public required int SeedIndex { get; init; }

    public required ulong Seed { get; init; }

    public required int Tick { get; init; }

    /// <summary>Slate size k: the row width of the slate and probability columns.</summary>
    public required int K { get; init; }

    /// <summary>1 for users who arrived this tick [N], shared by every world; a world's own <see cref="WorldTickView.Active"/> also leaves out its churned users.</summary>
    public required ReadOnlyMemory<byte> Active { get; init; }

    /// <summary>One view per strategy's world, in scenario strategy order.</summary>
    public required IReadOnlyList<WorldTickView> Worlds { get; init; }
}

/// <summary>One strategy world's slates and responses in a finished tick (rows of k per user, row-major).</summary>
public sealed class WorldTickView
{
    public required string Strategy { get; init; }

    /// <summary>1 for users active in this world this tick [N] (arrived and not churned); inactive users' slate rows are stale.</summary>
    public required ReadOnlyMemory<byte> Active { get; init; }

    /// <summary>The slate shown to each user [N x k], best first.</summary>
    public required ReadOnlyMemory<int> Slates { get; init; }

    /// <summary>
    /// The exact click probability of each slate position [N x k] under the true choice model
    /// (position bias and the no-click option included); 1 minus a row's sum is P(no click).
    /// </summary>
    public required ReadOnlyMemory<float> Probabilities { get; init; }

    /// <summary>The clicked slate position per user [N], -1 for no click.</summary>
    public required ReadOnlyMemory<int> ChosenPosition { get; init; }

    /// <summary>Dwell time of the click per user [N]; 0 without a click.</summary>
    public required ReadOnlyMemory<float> Dwell { get; init; }
}
