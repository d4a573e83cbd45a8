using Simulator.Core.Strategies;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 6, Learn, in one world: the strategy updates from what it showed and what its users did
/// (and only that: never the truth). No engine operation of its own (learned strategies call
/// theirs). Guard: the strategy's interest estimate, for strategies that keep one.
/// </summary>
internal static class LearnStage
{
    public static void Run(SeedContext seed, StrategyWorld world, int tick)
    {
        var state = world.State;
        var feedback = new FeedbackContext(tick, state.Active.Host, state.Slates.Host, state.ChosenPosition.Host, state.Dwell.Host);
        world.Strategy.Learn(feedback);
        world.Exploration?.Observe(feedback);
        if (world.Strategy is IInterestEstimator { InterestEstimate: { } estimate })
        {
            seed.Guard(TickStage.Learn, "InterestEstimate", world.Name, tick, estimate, state.Dim);
        }
    }
}
