using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Simulator.Cli.Remote.Protocol;
using Simulator.Core.Checkpoints;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;

namespace Simulator.Cli.Remote;

/// <summary>
/// A strategy served by a policy server (protocol/policy.proto): one session per seed, one
/// Recommend and one Learn call per tick carrying every active user at once. Every call has the
/// scenario's timeout; a server that stops answering, answers late or breaks the contract stops
/// the run (exit 1) naming the strategy, the endpoint and the tick. The world checks the slates
/// (distinct, live) like a plugin's.
/// </summary>
internal sealed class RemoteStrategy : IStrategy
{
    private readonly string _name;
    private readonly string _endpoint;
    private readonly TimeSpan _timeout;
    private readonly StrategyContext _context;
    private readonly GrpcChannel _channel;
    private readonly Policy.PolicyClient _client;
    private readonly string _session;
    private int[] _users = [];
    private int _tick = -1;

    public RemoteStrategy(StrategyContext context, StrategySpec spec, string endpoint)
    {
        _name = spec.Name;
        _endpoint = endpoint;
        _timeout = TimeSpan.FromSeconds(spec["timeout"]);
        _context = context;
        _channel = Channel(endpoint);
        _client = new Policy.PolicyClient(_channel);
        var catalog = context.Catalog;
        var start = new StartRequest
        {
            Strategy = spec.Name,
            Users = (uint)context.Users,
            Dim = (uint)context.Dim,
            K = (uint)context.K,
            Items = (uint)catalog.Count,
            LiveItems = (uint)catalog.LiveCount,
            Seed = context.Seed,
            Timeout = spec["timeout"],
        };
        start.ItemVectors.AddRange(catalog.Items.Host);
        start.ItemTopics.AddRange(catalog.Topic.Host);
        foreach (var (key, value) in spec.Parameters.Where(p => p.Key != "timeout"))
        {
            start.Parameters[key] = value;
        }

        _session = Call("Start", () => _client.Start(start, deadline: Deadline())).Session;
    }

    public string Name => _name;

    /// <summary>A channel without message size limits: a tick of a million users is tens of megabytes.</summary>
    public static GrpcChannel Channel(string endpoint) => GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = null,
        MaxSendMessageSize = null,
    });

    public void Recommend(RecommendContext context)
    {
        _tick = context.Tick;
        var active = context.Active;
        var users = new List<int>(active.Length);
        for (var u = 0; u < active.Length; u++)
        {
            if (active[u] != 0)
            {
                users.Add(u);
            }
        }

        _users = [.. users];
        var request = new RecommendRequest { Session = _session, Tick = context.Tick, LiveItems = (uint)_context.Catalog.LiveCount };
        request.Users.AddRange(_users);
        var reply = Call("Recommend", () => _client.Recommend(request, deadline: Deadline()));
        var k = _context.K;
        if (reply.Items.Count != _users.Length * k)
        {
            var user = _users.Length == 0 ? string.Empty : $", user {_users[Math.Min(reply.Items.Count / k, _users.Length - 1)]}";
            throw new StrategyException(
                _name,
                $"strategy {_name} at tick {context.Tick}{user}: the policy server at {_endpoint} returned {reply.Items.Count} items for {_users.Length} active users; expected {_users.Length} x {k} = {_users.Length * k} (one slate of k per active user)");
        }

        if (reply.Scores.Count > 0)
        {
            if (reply.Scores.Count != reply.Items.Count)
            {
                throw new StrategyException(_name, $"strategy {_name} at tick {context.Tick}: the policy server at {_endpoint} returned {reply.Scores.Count} scores for {reply.Items.Count} items; expected none or one per item");
            }

            for (var i = 0; i < reply.Scores.Count; i++)
            {
                if (!float.IsFinite(reply.Scores[i]))
                {
                    throw new StrategyException(_name, $"strategy {_name} at tick {context.Tick}, user {_users[i / k]}: NaN or infinite score ({reply.Scores[i]} at position {i % k})");
                }
            }
        }

        var slates = context.Slates.Host;
        for (var i = 0; i < _users.Length; i++)
        {
            var row = _users[i] * k;
            for (var j = 0; j < k; j++)
            {
                slates[row + j] = reply.Items[(i * k) + j];
            }
        }
    }

    public void Learn(FeedbackContext context)
    {
        var k = _context.K;
        var request = new LearnRequest { Session = _session, Tick = context.Tick };
        request.Users.AddRange(_users);
        var slates = new int[_users.Length * k];
        var chosen = new int[_users.Length];
        var dwell = new float[_users.Length];
        for (var i = 0; i < _users.Length; i++)
        {
            var u = _users[i];
            Array.Copy(context.Slates, u * k, slates, i * k, k);
            chosen[i] = context.ChosenPosition[u];
            dwell[i] = context.Dwell[u];
        }

        request.Slates.AddRange(slates);
        request.Chosen.AddRange(chosen);
        request.Dwell.AddRange(dwell);
        Call("Learn", () => _client.Learn(request, deadline: Deadline()));
    }

    /// <summary>The server's state travels as opaque bytes (its length first, so a restore knows how much to read).</summary>
    public void ExchangeState(StateExchange state)
    {
        long length = 0;
        if (state.IsRestoring)
        {
            state.Value("remote-state-length", ref length);
            var bytes = new byte[length];
            state.Bytes("remote-state", bytes);
            Call("SetState", () => _client.SetState(new SetStateRequest { Session = _session, State = ByteString.CopyFrom(bytes) }, deadline: Deadline()));
            return;
        }

        var saved = Call("GetState", () => _client.GetState(new StateRequest { Session = _session }, deadline: Deadline())).State.ToByteArray();
        length = saved.Length;
        state.Value("remote-state-length", ref length);
        state.Bytes("remote-state", saved);
    }

    public void Dispose()
    {
        try
        {
            _client.Stop(new StopRequest { Session = _session }, deadline: DateTime.UtcNow.AddSeconds(Math.Min(_timeout.TotalSeconds, 2)));
        }
        catch (RpcException)
        {
            // The session ends with the run either way; a server already gone has nothing to stop.
        }

        _channel.Dispose();
    }

    private DateTime Deadline() => DateTime.UtcNow + _timeout;

    private T Call<T>(string call, Func<T> rpc)
    {
        try
        {
            return rpc();
        }
        catch (RpcException e)
        {
            var when = _tick >= 0 ? $" at tick {_tick}" : string.Empty;
            throw new StrategyException(_name, $"strategy {_name}{when}: {call} on the policy server at {_endpoint} failed: {Describe(e, _timeout)}", inner: e);
        }
    }

    /// <summary>What a failed call means, in words.</summary>
    public static string Describe(RpcException e, TimeSpan timeout) => e.StatusCode switch
    {
        StatusCode.DeadlineExceeded => $"no answer within the timeout of {timeout.TotalSeconds:G4} s",
        StatusCode.Unavailable => $"the server is not reachable or stopped answering ({e.Status.Detail})",
        StatusCode.Unimplemented => "the server does not implement this call of protocol/policy.proto",
        _ => $"{e.StatusCode}: {e.Status.Detail}",
    };
}
