using System.Globalization;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;

namespace Simulator.Cli.Commands;

/// <summary>`simulator list`: what the simulator offers, with parameters and defaults.</summary>
public static class ListCommand
{
    public const string Help = """
        simulator list [strategies|metrics|world|drift|forgetting|choice|catalog|users|devices]

        Without a topic, lists everything except devices. "world" lists drift, forgetting,
        users, choice and catalog ("curves" is another name for "forgetting").

        Examples:
          simulator list strategies
          simulator list world
          simulator list devices
        """;

    private static readonly string[] Topics = ["strategies", "metrics", "world", "drift", "forgetting", "curves", "choice", "catalog", "users", "devices"];

    public static int Execute(ArgumentReader args, TextWriter stdout)
    {
        args.Finish(1);
        var topic = args.Positionals.Count > 0 ? args.Positionals[0] : null;
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
        o.WriteLine("strategies (scenario field \"strategies\": a name, or {\"name\": ..., parameter: value}):");
        foreach (var s in StrategyCatalog.All)
        {
            o.WriteLine($"  {s.Name,-12} {s.Description}");
            foreach (var p in s.Parameters)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {p.Name} = {p.Default} in [{p.Min}, {p.Max}]: {p.Description}"));
            }
        }

        o.WriteLine();
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
