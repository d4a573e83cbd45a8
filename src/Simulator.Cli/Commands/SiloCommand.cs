using System.Net;
using Microsoft.Extensions.Hosting;
using Simulator.Cli.Infrastructure;
using Simulator.Cluster.Hosting;

namespace Simulator.Cli.Commands;

/// <summary>`simulator silo`: hosts one Orleans silo that runs simulation seeds for cluster runs, until stopped.</summary>
public static class SiloCommand
{
    public const string Help = """
        simulator silo --port P --gateway G [options]

        Starts one silo of a simulator cluster and keeps it running until Ctrl-C or SIGTERM.
        Development clustering: the first silo (started without --primary) is the primary and
        holds the membership table in memory; every other silo names it with --primary. Drive a
        run on the cluster with `simulator run <scenario> --cluster HOST:GATEWAY`.

        Options:
          --port P            silo-to-silo port (required)
          --gateway G         client gateway port (required)
          --primary H:P       the primary silo's silo endpoint (omit on the primary itself)
          --host ADDRESS      address this silo advertises to the others (default 127.0.0.1)
          --name NAME         silo name used in messages (default silo-<port>)
          --cluster-id ID     cluster id; silos and drivers must agree (default simulator)
          --device D          auto | cpu | cuda | opencl | ilgpu-cpu | reference (default: cpu)
          --threads N         CPU worker threads per seed (default: all cores)

        Example (three processes on one machine):
          simulator silo --port 11111 --gateway 30000
          simulator silo --port 11112 --gateway 30001 --primary 127.0.0.1:11111
          simulator silo --port 11113 --gateway 30002 --primary 127.0.0.1:11111
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var port = args.Int("port", 1, 65535) ?? throw new UsageException("silo needs --port P (the silo-to-silo port), e.g. --port 11111");
        var gateway = args.Int("gateway", 1, 65535) ?? throw new UsageException("silo needs --gateway G (the client gateway port), e.g. --gateway 30000");
        var primary = args.String("primary") is { } p ? EndpointOption.ParseAddress("primary", p) : null;
        var hostText = args.String("host") ?? "127.0.0.1";
        var name = args.String("name") ?? $"silo-{port}";
        var clusterId = args.String("cluster-id") ?? SiloSettings.DefaultClusterId;
        var device = args.Choice("device", "cpu", EngineSelector.Devices);
        var threads = args.Int("threads", 1, 1024);
        args.Finish(0);
        if (!IPAddress.TryParse(hostText, out var host))
        {
            throw new UsageException($"option --host: expected an IP address to advertise (e.g. 10.0.0.5), found \"{hostText}\"");
        }

        if (port == gateway)
        {
            throw new UsageException($"options --port and --gateway must differ, both are {port}");
        }

        var settings = new SiloSettings(port, gateway, primary, host, clusterId, name);
        using var silo = SiloHosting.Build(settings, new SeedEngineSource(() => EngineSelector.Create(device, threads, stderr)));
        try
        {
            silo.StartAsync(cancel).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stderr.WriteLine($"error: silo {name} could not start on {host}:{port} (gateway {gateway}): {e.Message}");
            return ExitCodes.RuntimeFailure;
        }

        stdout.WriteLine($"silo {name} running: silo {host}:{port}, gateway {host}:{gateway}, primary {settings.PrimaryEndpoint}, cluster {clusterId}, device {device}");
        stdout.Flush();
        try
        {
            Task.Delay(Timeout.Infinite, cancel).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: leave the cluster cleanly below.
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        silo.StopAsync(limit.Token).GetAwaiter().GetResult();
        stdout.WriteLine($"silo {name} stopped");
        return ExitCodes.Success;
    }
}
