namespace Simulator.Core.Simulation.Stages;

/// <summary>The stages of one tick, in the order <see cref="SimulationTick.Step"/> runs them (one file per stage beside this one).</summary>
public enum TickStage
{
    /// <summary>Items arrive and age; users arrive; each world's churn decides who is active.</summary>
    Arrive,

    /// <summary>True interest logits move (shared by every world).</summary>
    Drift,

    /// <summary>Interest strength decays with time since last engagement (engine operation Decay).</summary>
    Forget,

    /// <summary>The oracle's slate (engine operation ScoreTopK), then each strategy's slate.</summary>
    Recommend,

    /// <summary>Users choose from their slates under the true choice model (engine operation Choice).</summary>
    Respond,

    /// <summary>Strategies update from what they showed and observed.</summary>
    Learn,

    /// <summary>Consumption restores the consumed topic's strength (engine operation Reinforce).</summary>
    Reinforce,

    /// <summary>Metrics against ground truth, folded in shard order.</summary>
    Score,
}
