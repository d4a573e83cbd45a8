using Grpc.Core;
using Simulator.Cli.Infrastructure;
using Simulator.Cli.Remote.Protocol;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;

namespace Simulator.Cli.Remote;

/// <summary>Policy servers named by a scenario's "endpoint": their descriptor, and the check that each answers before a run starts.</summary>
internal static class RemoteStrategies
{
    /// <summary>The protocol version this simulator speaks.</summary>
    public const uint Version = 1;

    public static IReadOnlyList<StrategyParameter> Parameters { get; } =
    [
        new("timeout", 30, 0.01, 3600, "seconds each call to the policy server may take before the run stops"),
    ];

    /// <summary>The descriptor of a policy server; the endpoint's syntax is checked here, its answer by <see cref="CheckReachable"/>.</summary>
    public static StrategyDescriptor Resolve(string name, string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0 || uri.AbsolutePath != "/")
        {
            throw new StrategyLoadException("endpoint", $"\"{endpoint}\" is not a policy server address; expected http://HOST:PORT, e.g. http://127.0.0.1:50051");
        }

        return new StrategyDescriptor(
            name,
            $"policy server at {endpoint} (protocol/policy.proto)",
            false,
            Parameters,
            (context, spec) => new RemoteStrategy(context, spec, endpoint),
            RunsOnShards: false)
        {
            External = new ExternalStrategy(null, null, endpoint),
            CheckSlates = true,
        };
    }

    /// <summary>
    /// The least time the hello may take, whatever the strategy's timeout: the first call also
    /// opens the connection, which a cold or busy server (a Python interpreter still importing
    /// numpy, a loaded machine) can take longer than a per-call timeout meant for Recommend.
    /// A refused connection still fails at once.
    /// </summary>
    public static readonly TimeSpan HelloMinimum = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Says hello to every policy server of the scenario (each within its timeout, or
    /// <see cref="HelloMinimum"/> where that is longer); the first that does not answer stops the
    /// run before it starts (exit 2).
    /// </summary>
    public static void CheckReachable(Scenario scenario)
    {
        foreach (var spec in scenario.Strategies.Where(s => s.External?.Endpoint is not null))
        {
            var endpoint = spec.External!.Endpoint!;
            var callTimeout = TimeSpan.FromSeconds(spec.Parameters.TryGetValue("timeout", out var t) ? t : 30);
            var timeout = callTimeout > HelloMinimum ? callTimeout : HelloMinimum;
            using var channel = RemoteStrategy.Channel(endpoint);
            var client = new Policy.PolicyClient(channel);
            HelloReply reply;
            try
            {
                reply = client.Hello(new HelloRequest { Version = Version }, deadline: DateTime.UtcNow + timeout);
            }
            catch (RpcException e)
            {
                throw new UsageException(
                    $"strategy {spec.Name}: the policy server at {endpoint} did not answer: {RemoteStrategy.Describe(e, timeout)}; " +
                    "start it first (e.g. /usr/bin/python3 clients/python/examples/ema.py --port PORT) or fix \"endpoint\"; no run folder was written");
            }

            if (reply.Version != Version)
            {
                throw new UsageException($"strategy {spec.Name}: the policy server at {endpoint} speaks protocol version {reply.Version}; expected {Version}");
            }
        }
    }
}
