namespace Simulator.Core.Strategies;

/// <summary>
/// Where a strategy from outside the simulator comes from, as the scenario names it: a plugin
/// (<see cref="Plugin"/>, the assembly's path, and <see cref="Type"/>, the class implementing
/// <see cref="IStrategy"/>) or a policy server (<see cref="Endpoint"/>, e.g. http://127.0.0.1:50051).
/// </summary>
public sealed record ExternalStrategy(string? Plugin, string? Type, string? Endpoint)
{
    /// <summary>The scenario fields that name an external strategy (besides "name" and its parameters).</summary>
    public static IReadOnlyList<string> Fields { get; } = ["plugin", "type", "endpoint"];
}

/// <summary>
/// Turns an external strategy of a scenario into a descriptor (loading the plugin, checking the
/// endpoint); Core calls it while parsing and never touches files or sockets itself. Throws
/// <see cref="StrategyLoadException"/> naming the field at fault. The descriptor's
/// <see cref="StrategyDescriptor.External"/>, when set, replaces the scenario's (a plugin path
/// made absolute, so the written scenario runs from anywhere).
/// </summary>
public delegate StrategyDescriptor StrategyResolver(string name, ExternalStrategy source);

/// <summary>An external strategy that cannot be resolved: <see cref="Field"/> is "plugin", "type" or "endpoint".</summary>
public sealed class StrategyLoadException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// A strategy that failed: its constructor threw (<see cref="IsConfiguration"/>: before the first
/// tick, a problem of the scenario's strategy), or it broke the contract while running (a slate with
/// repeats, items out of range or not live, the wrong length, NaN scores, a server that stopped
/// answering). The message names the strategy and, where there is one, the tick and the user.
/// </summary>
public sealed class StrategyException : Exception
{
    public StrategyException(string strategy, string message, bool isConfiguration = false, Exception? inner = null)
        : base(message, inner)
    {
        Strategy = strategy;
        IsConfiguration = isConfiguration;
    }

    public string Strategy { get; }

    public bool IsConfiguration { get; }
}
