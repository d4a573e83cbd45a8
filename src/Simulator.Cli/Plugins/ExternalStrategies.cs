using Simulator.Core.Strategies;

namespace Simulator.Cli.Plugins;

/// <summary>The resolver the CLI hands the scenario parser: plugins by path (relative to the scenario file), policy servers by endpoint.</summary>
internal static class ExternalStrategies
{
    /// <summary>Resolves the external strategies of the scenario file at <paramref name="scenarioPath"/>.</summary>
    public static StrategyResolver For(string scenarioPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(scenarioPath)) ?? Directory.GetCurrentDirectory();
        return (name, source) => source.Plugin is { } plugin
            ? PluginLoader.Resolve(name, Path.GetFullPath(plugin, directory), source.Type!)
            : Remote.RemoteStrategies.Resolve(name, source.Endpoint!);
    }
}
