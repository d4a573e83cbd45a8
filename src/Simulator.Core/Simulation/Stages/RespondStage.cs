using Simulator.Core.Compute;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 5, Respond, in one world: users choose from their slates under the true choice model
/// (multinomial logit with a no-click option and position bias, Gumbel-max with keyed noise, dwell
/// drawn from the same utility; engine operation <see cref="IComputeEngine.Choice"/>). Guard:
/// ExpectedCtr, Probabilities and Dwell.
/// </summary>
internal static class RespondStage
{
    public static void Run(SeedContext seed, StrategyWorld world, int tick)
    {
        var state = world.State;
        var dynamics = world.Dynamics;
        var catalog = seed.Catalog;
        seed.Engine.Choice(new ChoiceOperands(
            state.Users, catalog.Count, state.Dim, state.K, dynamics.UtilityInterest(state), state.Slates, catalog.Items, dynamics.UtilityQuality(catalog),
            state.Active, dynamics.Choice, seed.Population.Seed, tick, state.ChosenPosition, state.ExpectedCtr, state.Probabilities, state.Dwell, seed.Shards.FirstUser));
        state.ChosenPosition.Download();
        state.Dwell.Download();
        state.Probabilities.Download();
        state.ExpectedCtr.Download();
        seed.Guard(TickStage.Respond, "ExpectedCtr", world.Name, tick, state.ExpectedCtr.Host, 1);
        seed.Guard(TickStage.Respond, "Probabilities", world.Name, tick, state.Probabilities.Host, state.K);
        seed.Guard(TickStage.Respond, "Dwell", world.Name, tick, state.Dwell.Host, 1);
    }
}
