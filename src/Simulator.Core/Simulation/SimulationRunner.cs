using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;

namespace Simulator.Core.Simulation;

/// <summary>Runs every strategy of a scenario over all its seeds and returns the read-only result.</summary>
public static class SimulationRunner
{
    public static RunResult Run(Scenario scenario, IComputeEngine engine, RunOptions options)
    {
        if (options.CheckpointEvery > 0 && options.Checkpoints is null)
        {
            throw new ArgumentException("CheckpointEvery needs a checkpoint sink (RunOptions.Checkpoints)", nameof(options));
        }

        var oneShard = OneShardOf(scenario, options);

        var started = options.Clock?.GetUtcNow() ?? DateTimeOffset.UnixEpoch;
        var startTimestamp = options.Clock?.GetTimestamp() ?? 0;
        // No cancellation token here: a tick always completes, so a cancelled run stops at a tick
        // boundary with consistent state, which is what a final checkpoint needs.
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads is > 0 ? options.Threads.Value : -1,
        };
        var seeds = scenario.Seeds;
        var series = new MetricSeries(scenario.Strategies.Count, seeds.Count, scenario.Ticks, scenario.Metrics.Count);
        var ids = scenario.Metrics.Select(m => MetricCatalog.Find(m, scenario.SlateSize)!.Id).ToArray();
        var start = StartOf(options.Resume, seeds.Count, scenario.Ticks);
        var lastSaved = start;
        var gathered = new RunAccumulators(scenario);
        for (var s = start.SeedIndex; s < seeds.Count; s++)
        {
            using var simulation = new SimulationTick(scenario, engine, parallel, seeds[s], options.GuardHook, oneShard, sharedTickOutputs: options.Observer is null);
            options.Observer?.SeedStarted(simulation.SeedView(s));

            // Example users are followed in the first seed only: a panel, not a statistic.
            if (s == 0)
            {
                gathered.FollowExamples(simulation, seeds[0], engine, parallel);
            }
            else if (gathered.Examples is null)
            {
                gathered.FollowExamplesOf(engine, seeds[0], parallel, simulation.EstimatingStrategies);
            }

            var state = new RunCheckpointState(series, simulation, gathered);
            var first = 0;
            if (s == start.SeedIndex && options.Resume is not null)
            {
                options.Resume.Restore(state);
                first = start.NextTick;
            }

            for (var t = first; t < scenario.Ticks; t++)
            {
                if (options.Cancellation.IsCancellationRequested)
                {
                    // Keep the work done since the last periodic checkpoint.
                    var here = new CheckpointPosition(s, t);
                    if (options.CheckpointEvery > 0 && here != start && here != lastSaved)
                    {
                        options.Checkpoints!.Save(here, state);
                    }

                    options.Cancellation.ThrowIfCancellationRequested();
                }

                // Example users are recorded during the step, in each world's turn (its per-tick columns may be shared).
                var sums = simulation.Step(t, s == 0 ? gathered.Examples! : null);
                options.Observer?.TickCompleted(simulation.TickView(s, t));

                for (var w = 0; w < sums.Length; w++)
                {
                    for (var m = 0; m < scenario.Metrics.Count; m++)
                    {
                        series[w, s, t, m] = sums[w].Mean(ids[m]);
                    }
                }

                options.Progress?.Report(new RunProgress(s, seeds.Count, t, scenario.Ticks));
                if (options.CheckpointEvery > 0 && (t + 1) % options.CheckpointEvery == 0 && t + 1 < scenario.Ticks)
                {
                    lastSaved = new CheckpointPosition(s, t + 1);
                    options.Checkpoints!.Save(lastSaved, state);
                }
            }

            gathered.AddSeed(simulation);
        }

        var environment = new RunEnvironment(
            engine.Info.Kind,
            engine.Info.DeviceName,
            options.Host.Runtime,
            options.Host.OperatingSystem,
            options.Host.ProcessorCount,
            options.Clock?.GetElapsedTime(startTimestamp).TotalSeconds ?? 0,
            started,
            RunEnvironment.CurrentVersion);
        return RunResult.Of(scenario, series, environment) with
        {
            ExampleUsers = gathered.ExampleTraces,
            ItemExposure = gathered.Exposure,
            ParameterRecovery = gathered.ParameterRecovery,
            ParameterRecoveryPoints = gathered.ParameterRecoveryPoints,
            Retention = gathered.Retention,
        };
    }

    /// <summary>The shard this process runs when <see cref="RunOptions.ShardPeers"/> is set, after checking the run can be split.</summary>
    private static World.ShardLayout? OneShardOf(Scenario scenario, RunOptions options)
    {
        if (options.ShardPeers is not { } peers)
        {
            return null;
        }

        var serial = StrategyCatalog.NotRunningOnShards(scenario);
        if (serial.Count > 0)
        {
            throw new ArgumentException($"strategies {string.Join(", ", serial)} cannot run split over shards", nameof(options));
        }

        if (options.Observer is not null)
        {
            throw new ArgumentException("a run split over shards takes no observer (exports are written by runs that hold every user)", nameof(options));
        }

        return World.ShardLayout.OneShardOf(scenario.Population.Users, scenario.Shards, peers);
    }

    /// <summary>Where a run starts: the beginning, or a checkpoint's position after checking it lies inside this scenario's run.</summary>
    private static CheckpointPosition StartOf(ICheckpointSource? resume, int seeds, int ticks)
    {
        if (resume is null)
        {
            return new CheckpointPosition(0, 0);
        }

        var at = resume.Position;
        if (at.SeedIndex < 0 || at.SeedIndex >= seeds || at.NextTick < 0 || at.NextTick > ticks)
        {
            throw new CheckpointException($"the checkpoint is at seed {at.SeedIndex + 1}, tick {at.NextTick}, outside this scenario's {seeds} seeds x {ticks} ticks");
        }

        return at;
    }
}
