using Simulator.Core.Strategies;

namespace Simulator.Cli.Plugins;

/// <summary>Policy servers named by endpoint.</summary>
internal static class RemoteStrategyResolver
{
    public static StrategyDescriptor Resolve(string name, string endpoint) =>
        throw new StrategyLoadException("endpoint", $"strategy {name}: policy servers are not supported yet ({endpoint})");
}
