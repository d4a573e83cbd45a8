using Orleans;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Simulator.Cluster.Codecs;
using Simulator.Cluster.Hosting;

namespace Simulator.Cluster.Grains;

/// <summary>
/// The run's coordinator (see <see cref="IRunCoordinatorGrain"/>). Seeds are handed out from one
/// counter as workers finish, so a slow silo takes fewer seeds; results are stored by seed index,
/// so the merge is in seed order whatever the completion order. With shard grains, seeds run one
/// after another, each split over every silo (RunCoordinatorGrain.Shards.cs).
/// </summary>
public sealed partial class RunCoordinatorGrain(IClusterMembershipService membership) : Grain, IRunCoordinatorGrain
{
    private readonly Dictionary<string, SeedProgress> _progress = new(StringComparer.Ordinal);

    private double[][] _series = [];

    private SeedRun?[] _runs = [];

    public async Task<ClusterRunOutcome> Run(ClusterRunRequest request, CancellationToken cancellation)
    {
        var silos = await ActiveSilos.WaitForAsync(membership, request.ExpectedSilos, request.SiloWait, cancellation).ConfigureAwait(true);
        if (silos.Count < request.ExpectedSilos)
        {
            return new ClusterRunOutcome([], silos.Select(s => SiloLabel.Of(s.Name, s.SiloAddress)).ToArray(),
                $"only {silos.Count} of {request.ExpectedSilos} expected silos joined within {request.SiloWait.TotalSeconds:F0} s");
        }

        _series = new double[request.Seeds][];
        _runs = new SeedRun?[request.Seeds];
        var next = -1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        string? failure = null;
        if (request.ShardGrains)
        {
            failure = await RunSplitSeeds(request, silos, stop, cancellation).ConfigureAwait(true);
            cancellation.ThrowIfCancellationRequested();
            return Outcome(request, silos, failure);
        }

        async Task Work(int slot)
        {
            var target = silos[slot];
            var label = SiloLabel.Of(target.Name, target.SiloAddress);
            var worker = GrainFactory.GetGrain<ISeedWorkerGrain>(slot, request.RunId);
            int position;
            while (!stop.IsCancellationRequested && (position = Interlocked.Increment(ref next)) < request.SeedIndices.Length)
            {
                var job = request.SeedIndices[position];
                var (json, seed, name) = request.Job(job);
                try
                {
                    RequestContext.Set(IPlacementDirector.PlacementHintKey, target.SiloAddress);
                    var run = await worker.RunSeed(json, seed, request.TickCheckpoints, stop.Token).ConfigureAwait(true);
                    _series[job] = await Chunking.FetchAsync(run.SeriesLength, (o, c) => worker.FetchSeries(o, c)).ConfigureAwait(true);
                    _runs[job] = run;
                }
                catch (Exception e) when (!cancellation.IsCancellationRequested)
                {
                    failure ??= $"silo {label}{SeedProgress.Describe(_progress.GetValueOrDefault(label))} failed while running {name}: {FailureText.Brief(e)}";
                    await stop.CancelAsync().ConfigureAwait(true);
                }
            }
        }

        var slots = Math.Min(silos.Count, request.SeedIndices.Length);
        await Task.WhenAll(Enumerable.Range(0, slots).Select(Work)).ConfigureAwait(true);
        cancellation.ThrowIfCancellationRequested();
        return Outcome(request, silos, failure);
    }

    private ClusterRunOutcome Outcome(ClusterRunRequest request, IReadOnlyList<ClusterMember> silos, string? failure) =>
        new(failure is null ? request.SeedIndices.Select(s => _runs[s]!).ToArray() : [], silos.Select(s => SiloLabel.Of(s.Name, s.SiloAddress)).ToArray(), failure);

    public Task ReportProgress(SeedProgress progress)
    {
        _progress[progress.Silo] = progress;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SeedProgress>> Progress() =>
        Task.FromResult<IReadOnlyList<SeedProgress>>(_progress.Values.OrderBy(p => p.Silo, StringComparer.Ordinal).ToArray());

    public Task<IReadOnlyList<SeedRun>> Completed() =>
        Task.FromResult<IReadOnlyList<SeedRun>>(_runs.Where(r => r is not null).Select(r => r!).ToArray());

    public Task<DoubleBlock> FetchSeries(int seedIndex, int offset, int count) =>
        Task.FromResult(SeedSeries.Slice(_series[seedIndex], offset, count));
}
