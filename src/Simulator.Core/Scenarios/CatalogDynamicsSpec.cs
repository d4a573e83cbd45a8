using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Scenarios;

/// <summary>
/// How the catalog changes during a run; everything is off in <see cref="Static"/> (the default),
/// so scenarios without these fields behave exactly as before.
/// InitialItems: items live at tick 0 (0 = every item, no arrivals possible). The remaining
/// items of the preallocated catalog arrive in index order, Poisson(ArrivalRate) of them per
/// tick from tick 1 on, so the live items are always the prefix [0, live count).
/// Attention aging adds AgingWeight (R(age) - 1) to an item's utility, R the forgetting curve
/// AgingCurve with parameters AgingScale and AgingShape (same meaning as in forgetting) and age
/// in time units since the item arrived: 0 for a fresh item, falling toward -AgingWeight.
/// SocialProof adds SocialProof ln(1 + c_i), c_i the clicks on item i so far in the world.
/// </summary>
public sealed record CatalogDynamicsSpec(
    int InitialItems,
    float ArrivalRate,
    ForgettingCurve AgingCurve,
    float AgingWeight,
    float AgingScale,
    float AgingShape,
    float SocialProof)
{
    /// <summary>A catalog that neither grows nor ages, with no social proof.</summary>
    public static CatalogDynamicsSpec Static { get; } = new(0, 0f, ForgettingCurve.Exponential, 0f, 20f, 1f, 0f);

    /// <summary>True when item utility changes over the run (aging or social proof), so each world needs its own item-utility column.</summary>
    public bool ChangesUtility => AgingWeight != 0f || SocialProof != 0f;

    /// <summary>Items live at tick 0 in a catalog of <paramref name="capacity"/> items.</summary>
    public int LiveAtStart(int capacity) => InitialItems == 0 ? capacity : Math.Min(InitialItems, capacity);
}

/// <summary>
/// Satiation (boredom) per user x topic: s_g &lt;- Decay s_g + 1[the user clicked an item of primary
/// topic g this tick], every tick for every user. The utility of item i loses Weight &lt;s_u, x_i&gt;
/// (the mixture-weighted form of Weight s_g(i)), so utility stays a dot product with an effective
/// interest vector. Weight 0 (the default) turns it off.
/// </summary>
public sealed record SatiationSpec(float Weight, float Decay)
{
    public static SatiationSpec Off { get; } = new(0f, 0.9f);

    public bool IsOn => Weight != 0f;
}
