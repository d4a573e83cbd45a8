using Simulator.Core.Checkpoints;
using Simulator.Core.Results;

namespace Simulator.Core.Simulation;

/// <summary>
/// The whole state of a run at a tick boundary: the metric values recorded so far (earlier seeds
/// and earlier ticks of this one) and the current seed's simulation.
/// </summary>
internal sealed class RunCheckpointState(MetricSeries series, SimulationTick simulation) : ICheckpointable
{
    public void ExchangeState(StateExchange state)
    {
        series.ExchangeState(state);
        simulation.ExchangeState(state);
    }
}
