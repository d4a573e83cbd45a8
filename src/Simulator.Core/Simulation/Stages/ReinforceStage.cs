using Simulator.Core.Compute;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 7, Reinforce, in one world: a click restores the consumed topic's strength,
/// w += eta (1 - w), and restarts its curve (engine operation <see cref="IComputeEngine.Reinforce"/>);
/// satiation and each item's click count (social proof) accumulate. Guard: the Peak column.
/// </summary>
internal static class ReinforceStage
{
    public static void Run(SeedContext seed, StrategyWorld world, int tick)
    {
        var state = world.State;
        var population = seed.Population;
        var catalog = seed.Catalog;
        var f = seed.Scenario.Forgetting;
        seed.Engine.Reinforce(new ReinforceOperands(
            state.Users, state.Dim, state.K, f.Curve, state.Peak, state.LastEngaged, population.CurveP1, population.CurveP2,
            state.Slates, state.ChosenPosition, catalog.Topic, f.Baseline, f.Reinforcement, tick, seed.Scenario.TickLength));

        var dynamics = world.Dynamics;
        if (dynamics.Satiation is { } satiation)
        {
            seed.Shards.ForEach(seed.Parallel, (start, end) =>
                satiation.Accumulate(state.Slates.Host, state.ChosenPosition.Host, catalog.Topic.Host, state.K, start, end));
        }

        dynamics.Appeal?.CountClicks(seed.Shards, seed.Parallel, state.Slates.Host, state.ChosenPosition.Host, state.K);
        state.Peak.Download();
        seed.Guard(TickStage.Reinforce, "Peak", world.Name, tick, state.Peak.Host, state.Dim);
    }
}
