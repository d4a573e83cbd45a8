using System.Runtime.InteropServices;
using Simulator.Cluster.Grains;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;

namespace Simulator.Cluster;

/// <summary>
/// Builds the run's result from per-seed series exactly as a local run does: series in seed
/// order, then Core's own summary and derived statistics, so summary.json is byte-identical.
/// Only the environment differs (it names the cluster), and that goes to environment.json.
/// </summary>
public static class ClusterResult
{
    public static RunResult Assemble(Scenario scenario, IReadOnlyList<double[]> seedSeries, IReadOnlyList<SeedRun> runs, int silos, DateTimeOffset started, TimeSpan wall)
    {
        var series = new MetricSeries(scenario.Strategies.Count, scenario.SeedCount, scenario.Ticks, scenario.Metrics.Count);
        for (var s = 0; s < scenario.SeedCount; s++)
        {
            SeedSeries.Place(series, s, seedSeries[s]);
        }

        var engines = runs.Select(r => r.EngineKind).Distinct().Order().ToArray();
        var devices = runs.Select(r => r.DeviceName).Distinct().Order().ToArray();
        var environment = new RunEnvironment(
            $"orleans/{string.Join('+', engines)}",
            $"{silos} silos{ShardGrains(runs)}: {string.Join(", ", devices)}",
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            Environment.ProcessorCount,
            wall.TotalSeconds,
            started,
            RunEnvironment.CurrentVersion);
        return RunResult.Of(scenario, series, environment) with
        {
            ExampleUsers = runs.Count > 0 && runs[0].ExampleUsersJson is { } examples ? ExampleUsersTransport.FromJson(examples) : [],
            ItemExposure = SumExposure(runs),
        };
    }

    /// <summary>", 8 shard grains per seed" when the seeds ran split over shard grains; empty otherwise.</summary>
    private static string ShardGrains(IReadOnlyList<SeedRun> runs) =>
        runs.FirstOrDefault(r => r.ShardSilos is not null) is { ShardSilos: { } shards } ? $", {shards.Count} shard grains per seed" : string.Empty;

    /// <summary>Per-item exposures summed over seeds in seed order, as a local run sums them; null when not counted.</summary>
    private static long[][]? SumExposure(IReadOnlyList<SeedRun> runs)
    {
        long[][]? total = null;
        foreach (var run in runs)
        {
            if (run.Exposure is null)
            {
                return null;
            }

            total ??= run.Exposure.Select(e => new long[e.Length]).ToArray();
            for (var w = 0; w < total.Length; w++)
            {
                for (var i = 0; i < total[w].Length; i++)
                {
                    total[w][i] += run.Exposure[w][i];
                }
            }
        }

        return total;
    }
}
