using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// The response-side state of one world that the scenario may switch on: satiation (per user x
/// topic) and item appeal (aging and social proof, per item). Either part is null when off, and
/// then the world uses the plain columns, so a scenario without them gives the same bytes as
/// before they existed. The accessors say which columns the oracle, Choice and the metrics read,
/// so all three always use the same true utility.
/// </summary>
internal sealed class WorldDynamics : ICheckpointable, IDisposable
{
    private readonly ChoiceParameters _choice;

    /// <summary>The dynamics of one world over <paramref name="users"/> users (the population, or one shard of it).</summary>
    public WorldDynamics(IComputeEngine engine, Scenario scenario, int users)
    {
        _choice = scenario.Choice;
        var dynamics = scenario.Catalog.Dynamics;
        if (scenario.Satiation.IsOn)
        {
            Satiation = new Satiation(engine, users, scenario.Dim, scenario.Satiation, scenario.Choice.InterestWeight);
        }

        if (dynamics.ChangesUtility)
        {
            Appeal = new ItemAppeal(engine, scenario.Catalog.Items, dynamics, scenario.Choice, scenario.TickLength);
        }
    }

    public Satiation? Satiation { get; }

    public ItemAppeal? Appeal { get; }

    /// <summary>The choice parameters for <see cref="UtilityQuality"/>: quality weight 1 when it holds the offsets b_i.</summary>
    public ChoiceParameters Choice => Appeal is null ? _choice : ItemUtilityMath.WithOffsetColumn(_choice);

    /// <summary>The user vectors of true utility: effective interest under satiation, else the true interest.</summary>
    public IColumn<float> UtilityInterest(WorldState state) => Satiation?.EffectiveInterest ?? state.Interest;

    /// <summary>The per-item column of true utility: the offsets b_i, else the catalog's quality.</summary>
    public IColumn<float> UtilityQuality(Catalog catalog) => Appeal?.Offsets ?? catalog.Quality;

    /// <summary>The item bias of the oracle's ranking: b_i / beta1, else the shared (beta2 / beta1) q.</summary>
    public IColumn<float> IdealBias(IColumn<float> shared) => Appeal?.IdealBias ?? shared;

    public void ExchangeState(StateExchange state)
    {
        Satiation?.ExchangeState(state);
        Appeal?.ExchangeState(state);
    }

    public void Dispose()
    {
        Satiation?.Dispose();
        Appeal?.Dispose();
    }
}
