using Orleans;
using Orleans.Concurrency;
using Simulator.Cluster.Codecs;

namespace Simulator.Cluster.Grains;

/// <summary>
/// Runs whole seeds of a scenario on its silo through Core's SimulationRunner. Key: (slot, run id);
/// slot i is pinned to the coordinator's i-th silo. Keeps the last seed's series until fetched.
/// </summary>
public interface ISeedWorkerGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>
    /// Simulates seed <paramref name="seedIndex"/> of the scenario, from its tick checkpoint when
    /// <paramref name="ticks"/> is given and the file exists; the bound on its duration is the caller's cancellation.
    /// </summary>
    [ResponseTimeout("12:00:00")]
    Task<SeedRun> RunSeed(string scenarioJson, int seedIndex, SeedTickCheckpoints? ticks, CancellationToken cancellation);

    /// <summary>Values [offset, offset + count) of the last seed's series, laid out [strategy][tick][metric].</summary>
    Task<DoubleBlock> FetchSeries(int offset, int count);
}

/// <summary>
/// Holds one run: waits for the expected silos, starts one seed worker per silo, hands out seeds
/// as workers finish (load balancing), and keeps the results in seed order for the driver.
/// </summary>
public interface IRunCoordinatorGrain : IGrainWithStringKey
{
    [ResponseTimeout("12:00:00")]
    Task<ClusterRunOutcome> Run(ClusterRunRequest request, CancellationToken cancellation);

    /// <summary>Values [offset, offset + count) of seed (for a sweep: job, see <see cref="ClusterRunRequest.Job"/>) <paramref name="seedIndex"/>'s series; interleaves with <see cref="Run"/>.</summary>
    [AlwaysInterleave]
    Task<DoubleBlock> FetchSeries(int seedIndex, int offset, int count);

    /// <summary>The seeds finished so far (series ready to fetch), so the driver can save them before the run ends.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<SeedRun>> Completed();

    /// <summary>A worker's tick report; interleaves with the running <see cref="Run"/> and needs no answer.</summary>
    [OneWay, AlwaysInterleave]
    Task ReportProgress(SeedProgress progress);

    /// <summary>Every worker's last report, so the driver can say where a lost silo was.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<SeedProgress>> Progress();
}
