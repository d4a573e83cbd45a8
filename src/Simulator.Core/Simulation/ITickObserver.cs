namespace Simulator.Core.Simulation;

/// <summary>
/// Watches a run from outside Core without Core knowing what it does (the CLI's dataset export
/// writes CSV files from it). The runner calls it on its own thread, in seed then tick order,
/// after each tick has fully finished (all eight stages, every world), so an observer sees the
/// same values in the same order whatever the thread count. The views are read-only windows on
/// live simulation columns: they are valid only during the call and must not be kept.
/// </summary>
public interface ITickObserver
{
    /// <summary>Called once per seed, after its population and catalog are built and before tick 0.</summary>
    void SeedStarted(SeedView seed);

    /// <summary>Called after each tick of each seed.</summary>
    void TickCompleted(TickView tick);
}
