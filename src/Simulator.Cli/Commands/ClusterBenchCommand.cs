using System.Diagnostics;
using System.Text;
using Simulator.Cli.Bench;
using Simulator.Cli.Infrastructure;
using Simulator.Cluster;
using Simulator.Cluster.Bench;
using Simulator.Cluster.Hosting;
using Simulator.Core.Compute;
using Simulator.Storage.RunFolders;

namespace Simulator.Cli.Commands;

/// <summary>
/// `simulator bench --cluster local|HOST:GATEWAY`: per-tick coordination overhead and
/// shard-to-shard transfer rate, on an in-process cluster of real loopback silos or on a running one.
/// </summary>
public static class ClusterBenchCommand
{
    public const string Help = """

        Cluster bench (instead of the tick bench):
          --cluster local|H:G  `local` starts --expect-silos silos in this process (TCP on loopback);
                               H:G measures a running cluster through that gateway
          --expect-silos N     silos (default 3)
          --shards S           shard grains behind the barrier (default 8)
          --ticks T            timed barrier ticks after warm-up (default 500)
          --transfer-mb MB     raw-copy transfer size (default 64; plain float[] moves a quarter)
          simulator bench --cluster local
        """;

    public static int Execute(string where, ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var silos = args.Int("expect-silos", 1, 100) ?? 3;
        var shards = args.Int("shards", 1, 1024) ?? 8;
        var ticks = args.Int("ticks", 10, 100_000) ?? 500;
        var transferMb = args.Int("transfer-mb", 1, 4096) ?? 64;
        var clusterId = args.String("cluster-id") ?? SiloSettings.DefaultClusterId;
        var output = args.String("out");
        var quiet = args.Flag("quiet");
        args.Finish(0);
        var gateway = where == "local" ? null : EndpointOption.Parse("cluster", where);
        try
        {
            var result = MeasureAsync(gateway, clusterId, silos, shards, ticks, transferMb, quiet ? TextWriter.Null : stderr, cancel).GetAwaiter().GetResult();
            var peakRss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            var label = gateway is null ? $"local: {silos} in-process silos on loopback TCP" : where;
            var markdown = ClusterBenchJson.Markdown(result, label);
            using var folder = RunFolder.Create(output, "results", "bench", DateTimeOffset.UtcNow);
            var utf8 = new UTF8Encoding(false);
            File.WriteAllText(folder.File("bench.json"), ClusterBenchJson.Write(result, label, peakRss), utf8);
            File.WriteAllText(folder.File("bench.md"), markdown, utf8);
            folder.Commit();
            stdout.WriteLine(markdown);
            stdout.WriteLine(folder.FinalPath);
            return ExitCodes.Success;
        }
        catch (ClusterRunException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }

    private static async Task<ClusterBenchResult> MeasureAsync(System.Net.EndPoint? gateway, string clusterId, int silos, int shards, int ticks, int transferMb, TextWriter log, CancellationToken cancel)
    {
        InProcessCluster? local = null;
        if (gateway is null)
        {
            log.WriteLine($"starting {silos} in-process silos ...");
            local = await InProcessCluster.StartAsync(silos, new SeedEngineSource(() => new CpuEngine(HostMachine.Threads(null), Environment.ProcessorCount)), cancel).ConfigureAwait(false);
            gateway = local.Gateway;
            clusterId = local.ClusterId;
        }

        try
        {
            await using var connection = await ClusterConnection.ConnectAsync(gateway, clusterId, TimeSpan.FromSeconds(30), cancel).ConfigureAwait(false);
            await ClusterRunDriver.WaitForSilosAsync(connection.Client, silos, cancel).ConfigureAwait(false);
            log.WriteLine($"measuring {ticks} barrier ticks over {shards} shard grains and a {transferMb} MB transfer ...");
            return await ClusterBench.RunAsync(connection.Client, silos, shards, ticks, transferMb << 20, Math.Max(1, transferMb / 4) << 20).ConfigureAwait(false);
        }
        finally
        {
            if (local is not null)
            {
                await local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
