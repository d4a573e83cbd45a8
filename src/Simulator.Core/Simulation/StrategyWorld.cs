using Simulator.Core.Metrics;
using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// A strategy and the counterfactual world it acts in: the world's user state, its response-side
/// dynamics (satiation, item appeal) and, when a metric reads them, its item exposure counts.
/// Everything here differs between worlds because what a strategy recommends changes its users.
/// </summary>
internal sealed class StrategyWorld : IDisposable
{
    public StrategyWorld(
        int index, string name, IStrategy strategy, WorldState state, WorldDynamics dynamics, ExposureTally? exposure, bool checkSlates = false, SlateExploration? exploration = null)
    {
        CheckSlates = checkSlates;
        Exploration = exploration;
        Index = index;
        Name = name;
        Strategy = strategy;
        State = state;
        Dynamics = dynamics;
        Exposure = exposure;
    }

    /// <summary>Position of the strategy in the scenario's list (the order of every per-world output).</summary>
    public int Index { get; }

    /// <summary>The strategy's name in the scenario.</summary>
    public string Name { get; }

    public IStrategy Strategy { get; }

    /// <summary>Whether Recommend checks every slate (an external strategy's) before the users see it.</summary>
    public bool CheckSlates { get; }

    public WorldState State { get; }

    public WorldDynamics Dynamics { get; }

    /// <summary>Exposure counts per item, or null when no selected metric reads them.</summary>
    public ExposureTally? Exposure { get; }

    /// <summary>The strategy's exploration slots, or null when its <c>explore</c> share is 0 (or it has none).</summary>
    public SlateExploration? Exploration { get; }

    public void Dispose()
    {
        Strategy.Dispose();
        State.Dispose();
        Dynamics.Dispose();
    }
}
