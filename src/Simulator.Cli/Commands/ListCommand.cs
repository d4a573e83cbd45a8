using System.Globalization;
using Simulator.Cli.Infrastructure;
using Simulator.Cli.Plugins;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Strategies;

namespace Simulator.Cli.Commands;

/// <summary>`simulator list`: what the simulator offers, with parameters and defaults.</summary>
public static class ListCommand
{
    public const string Help = """
        simulator list [strategies|metrics|world|drift|forgetting|choice|catalog|users|devices]
        simulator list strategies --plugin <assembly.dll>

        Without a topic, lists everything except devices. "world" lists drift, forgetting,
        users, choice and catalog ("curves" is another name for "forgetting").
        With --plugin, lists the strategy classes of a plugin assembly instead of the built-ins:
        the "type" to name in a scenario, its description and its parameters (docs/strategies.md).

        Examples:
          simulator list strategies
          simulator list strategies --plugin demo/src/bin/Demo.dll
          simulator list world
          simulator list devices
        """;

    private static readonly string[] Topics = ["strategies", "metrics", "world", "drift", "forgetting", "curves", "choice", "catalog", "users", "devices"];

    public static int Execute(ArgumentReader args, TextWriter stdout)
    {
        var plugin = args.String("plugin");
        args.Finish(1);
        var topic = args.Positionals.Count > 0 ? args.Positionals[0] : null;
        if (plugin is not null)
        {
            if (topic is not (null or "strategies"))
            {
                throw new UsageException($"--plugin lists strategies; expected `simulator list strategies --plugin {plugin}`");
            }

            PluginStrategies(stdout, plugin);
            return ExitCodes.Success;
        }

        if (topic is not null && !Topics.Contains(topic))
        {
            throw new UsageException($"unknown list topic \"{topic}\"; expected one of {string.Join(", ", Topics)}{Suggest.DidYouMean(topic, Topics)}");
        }

        if (topic is null or "strategies")
        {
            Strategies(stdout);
        }

        if (topic is null or "metrics")
        {
            Metrics(stdout);
        }

        if (topic is null or "world" or "drift")
        {
            WorldList.Drift(stdout);
        }

        if (topic is null or "world" or "forgetting" or "curves")
        {
            WorldList.Forgetting(stdout);
        }

        if (topic is null or "world" or "users")
        {
            WorldList.Users(stdout);
        }

        if (topic is null or "world" or "choice")
        {
            CatalogListing.Choice(stdout);
        }

        if (topic is null or "world" or "catalog")
        {
            CatalogListing.Catalog(stdout);
        }

        if (topic is "devices")
        {
            Devices(stdout);
        }

        return ExitCodes.Success;
    }

    private static void Strategies(TextWriter o)
    {
        // Memory per user at the scenario defaults and each strategy's default parameters.
        var defaults = ScenarioParser.Parse("{}", "defaults");
        var c = CultureInfo.InvariantCulture;
        o.WriteLine("strategies (scenario field \"strategies\": a name, or {\"name\": ..., parameter: value}):");
        var alone = defaults with { Strategies = [] };
        o.WriteLine(string.Create(c, $"memory per user at the defaults (d = {defaults.Dim}, k = {defaults.SlateSize}, {defaults.Catalog.Items:N0} items): each strategy's world {MemoryEstimate.WorldBytesPerUser(defaults):N0} bytes ({MemoryEstimate.WorldBytesPerUser(defaults, sharedTickOutputs: true):N0} without --export, when the worlds share their per-tick outputs: {MemoryEstimate.PopulationBytesPerUser(alone, sharedTickOutputs: true) - MemoryEstimate.PopulationBytesPerUser(alone):N0} once), the shared population {MemoryEstimate.PopulationBytesPerUser(alone):N0} bytes, plus the strategy's own state below and the scratch columns a seed's strategies share (each once)"));
        foreach (var s in StrategyCatalog.All)
        {
            var spec = new StrategySpec(s.Name, s.Parameters.ToDictionary(p => p.Name, p => p.Default));
            var bytes = MemoryEstimate.StrategyBytesPerUser(spec, defaults.Dim, defaults.SlateSize, defaults.Catalog.Items);
            var scratch = MemoryEstimate.ScratchBytesPerUser(spec, defaults.Dim, defaults.SlateSize);
            var shared = scratch > 0 ? string.Create(c, $", shared scratch {scratch:N0}") : string.Empty;
            o.WriteLine(string.Create(c, $"  {s.Name,-12} {s.Description} ({bytes:N0} bytes per user{shared})"));
            foreach (var p in s.Parameters)
            {
                o.WriteLine(string.Create(c, $"      {p.Name} = {p.Default} in [{p.Min}, {p.Max}]: {p.Description}"));
            }
        }

        o.WriteLine();
    }

    private static void PluginStrategies(TextWriter o, string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var types = PluginLoader.StrategyTypes(PluginLoader.Load(full));
            o.WriteLine($"strategies in {full} (scenario entry {{\"name\": ..., \"plugin\": path, \"type\": type, parameter: value}}):");
            if (types.Count == 0)
            {
                o.WriteLine("  none: no public class implements Simulator.Core.Strategies.IStrategy");
            }

            foreach (var type in types)
            {
                try
                {
                    var d = PluginLoader.Describe(type.Name, type, new ExternalStrategy(full, type.FullName, null));
                    o.WriteLine($"  {type.FullName}  {d.Description}");
                    foreach (var p in d.Parameters)
                    {
                        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {p.Name} = {p.Default} in [{p.Min}, {p.Max}]: {p.Description}"));
                    }
                }
                catch (StrategyLoadException e)
                {
                    o.WriteLine($"  {type.FullName}  cannot be used: {e.Message}");
                }
            }
        }
        catch (StrategyLoadException e)
        {
            throw new UsageException($"--plugin {path}: {e.Message}");
        }
    }

    private static void Metrics(TextWriter o)
    {
        o.WriteLine("metrics (scenario field \"metrics\"; k is the slate size, e.g. ndcg@10; without the field, all but the opt-in ones):");
        foreach (var m in MetricCatalog.For(10))
        {
            var name = m.Name.Replace("@10", "@k", StringComparison.Ordinal);
            var direction = m.LowerIsBetter ? "lower is better" : "higher is better";
            o.WriteLine($"  {name,-17} {m.Range,-9} {direction,-17} {(m.Default ? string.Empty : "(opt-in) ")}{m.Description}");
        }

        o.WriteLine("  summary.json adds per metric: \"normalised\" = (m - m_random) / (m_oracle - m_random) when both ran,");
        o.WriteLine("  and \"comparisons\": paired differences vs the reference strategy (scenario field \"reference\").");

        o.WriteLine();
    }

    private static void Devices(TextWriter o)
    {
        o.WriteLine("devices (--device):");
        o.WriteLine("  cpu        the vectorised CPU engine (always available)");
        o.WriteLine("  reference  the scalar reference engine (slow; for checking)");
        foreach (var d in Gpu.DeviceCatalog.List())
        {
            o.WriteLine($"  {d.Kind,-10} {d.Name} ({d.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB) {d.Details}");
        }
    }
}
