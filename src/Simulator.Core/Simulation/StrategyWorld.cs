using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>A strategy paired with the counterfactual world it acts in.</summary>
internal sealed class StrategyWorld(IStrategy strategy, WorldState state) : IDisposable
{
    public IStrategy Strategy { get; } = strategy;

    public WorldState State { get; } = state;

    public void Dispose()
    {
        Strategy.Dispose();
        State.Dispose();
    }
}
