using Orleans;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Simulator.Cluster.Codecs;
using Simulator.Cluster.Hosting;
using Simulator.Core.Scenarios;
using Simulator.Core.World;

namespace Simulator.Cluster.Grains;

/// <summary>
/// Seeds split over shard grains: one shard worker per logical shard, shard s on the (s mod silos)-th
/// silo in address order, all meeting at the seed's exchange grain. Every shard folds every
/// reduction itself, so each computes the seed's whole series; the coordinator checks that all of
/// them agree (a hash per shard) and keeps shard 0's.
/// </summary>
public sealed partial class RunCoordinatorGrain
{
    /// <summary>Longest wait at one exchange: a tick's slowest shard plus margin; a lost shard fails its peers within it.</summary>
    private static TimeSpan ExchangeWait(Scenario scenario, int silos) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(2).Ticks, ClusterTimeouts.Run(scenario, silos).Ticks / Math.Max(1, scenario.Ticks)));

    /// <summary>Runs the requested seeds one after another, each over all silos; returns the first failure, or null.</summary>
    private async Task<string?> RunSplitSeeds(ClusterRunRequest request, IReadOnlyList<ClusterMember> silos, CancellationTokenSource stop, CancellationToken cancellation)
    {
        var scenario = ScenarioParser.Parse(request.ScenarioJson, "cluster");
        var shards = new ShardLayout(scenario.Population.Users, scenario.Shards).Count;
        var wait = ExchangeWait(scenario, silos.Count);
        foreach (var seed in request.SeedIndices)
        {
            var failure = await RunSplitSeed(request, scenario, seed, shards, silos, wait, stop).ConfigureAwait(true);
            if (failure is not null || cancellation.IsCancellationRequested)
            {
                return failure;
            }
        }

        return null;
    }

    private async Task<string?> RunSplitSeed(
        ClusterRunRequest request, Scenario scenario, int seed, int shards, IReadOnlyList<ClusterMember> silos, TimeSpan wait, CancellationTokenSource stop)
    {
        var key = ShardKeys.Of(request.RunId, seed);
        var ticks = request.TickCheckpoints;
        var fromTick = ticks is null ? 0 : ResumeTick(ticks, scenario, seed, shards);
        var exchange = GrainFactory.GetGrain<IShardExchangeGrain>(key);
        await exchange.Open(shards).ConfigureAwait(true);
        string? failure = null;
        var labels = new string[shards];
        var workers = new IShardWorkerGrain[shards];

        async Task<ShardRun?> Run(int shard)
        {
            try
            {
                return await workers[shard].RunShard(request.ScenarioJson, seed, key, wait, ticks, fromTick, stop.Token).ConfigureAwait(true);
            }
            catch (Exception e)
            {
                // The first failure names the run's cause; the others are its echo (their exchange failed or they were stopped).
                if (failure is null)
                {
                    failure = $"silo {labels[shard]}{SeedProgress.Describe(_progress.GetValueOrDefault(labels[shard]))} failed while running shard {shard} of seed {seed}: {FailureText.Brief(e)}";
                    await exchange.Fail(failure).ConfigureAwait(true);
                    await stop.CancelAsync().ConfigureAwait(true);
                }

                return null;
            }
        }

        var calls = new Task<ShardRun?>[shards];
        for (var s = 0; s < shards; s++)
        {
            var target = silos[s % silos.Count];
            labels[s] = SiloLabel.Of(target.Name, target.SiloAddress);
            workers[s] = GrainFactory.GetGrain<IShardWorkerGrain>(s, key);
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target.SiloAddress);
            calls[s] = Run(s);
        }

        RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        var parts = await Task.WhenAll(calls).ConfigureAwait(true);
        if (failure is not null)
        {
            return failure;
        }

        var first = parts[0]!;
        if (parts.Any(p => p!.SeriesHash != first.SeriesHash || p.SeriesLength != first.SeriesLength))
        {
            return $"the {shards} shards of seed {seed} computed different series (hashes {string.Join(", ", parts.Select(p => p!.SeriesHash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)))}): a reduction did not fold the same partials in shard order";
        }

        _series[seed] = await Chunking.FetchAsync(first.SeriesLength, (o, c) => workers[0].FetchSeries(o, c)).ConfigureAwait(true);
        var examples = parts.Where(p => p!.ExampleUsersJson is not null).SelectMany(p => ExampleUsersTransport.FromJson(p!.ExampleUsersJson!)).ToArray();
        var siloOfShard = parts.Select(p => p!.Silo).ToArray();
        _runs[seed] = new SeedRun(
            seed,
            string.Join("+", siloOfShard.Distinct()),
            first.EngineKind,
            first.DeviceName,
            first.SeriesLength,
            parts.Max(p => p!.Seconds),
            first.Exposure,
            examples.Length > 0 ? ExampleUsersTransport.ToJson(ExampleOrder(examples)) : null,
            fromTick,
            siloOfShard);
        return null;
    }

    /// <summary>The tick every shard of the seed has a save of (0: none).</summary>
    private static int ResumeTick(SeedTickCheckpoints ticks, Scenario scenario, int seed, int shards) =>
        ShardTickCheckpoints.CommonTick(ticks, seed, shards, ScenarioWriter.ToJson(SeedScenario.Single(scenario, seed)));

    /// <summary>The one-process order of example users: ascending time scale, then user (see ExampleUserRecorder.Choose).</summary>
    private static Core.Results.ExampleUserTrace[] ExampleOrder(IEnumerable<Core.Results.ExampleUserTrace> traces) =>
        traces.OrderBy(t => t.ForgettingTimeScale).ThenBy(t => t.User).ToArray();
}
