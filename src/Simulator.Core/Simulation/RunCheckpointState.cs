using Simulator.Core.Checkpoints;
using Simulator.Core.Results;

namespace Simulator.Core.Simulation;

/// <summary>
/// The whole state of a run at a tick boundary: the metric values recorded so far (earlier seeds
/// and earlier ticks of this one), the current seed's simulation, and what the run gathered across
/// seeds (exposure totals, parameter recovery, example users).
/// </summary>
internal sealed class RunCheckpointState(MetricSeries series, SimulationTick simulation, RunAccumulators gathered) : ICheckpointable
{
    public void ExchangeState(StateExchange state)
    {
        series.ExchangeState(state);
        simulation.ExchangeState(state);
        gathered.ExchangeState(new ScopedExchange(state, "run."));
    }
}
