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
        simulator list [strategies|metrics|drift|curves|choice|catalog|devices]

        Without a topic, lists everything except devices.

        Examples:
          simulator list strategies
          simulator list devices
        """;

    private static readonly string[] Topics = ["strategies", "metrics", "drift", "curves", "choice", "catalog", "devices"];

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

        if (topic is null or "drift")
        {
            Drift(stdout);
        }

        if (topic is null or "curves")
        {
            Curves(stdout);
        }

        if (topic is null or "choice")
        {
            CatalogListing.Choice(stdout);
        }

        if (topic is null or "catalog")
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

    private static void Drift(TextWriter o)
    {
        o.WriteLine("drift processes (scenario field \"drift.kind\"):");
        o.WriteLine("  stationary          no drift (control)");
        o.WriteLine("  abrupt              switch to a new concept: z <- (1-shift) z + shift z_new; per user with Poisson rate, and for everyone at events");
        o.WriteLine("                      rate = 0.02 per tick, shift = 1, events = [] (ticks)");
        o.WriteLine("  ornstein-uhlenbeck  z <- z + kappa (mu - z) + sigma eps on interest logits; kappa = 0.05, sigma = 0.3");
        o.WriteLine();
    }

    private static void Curves(TextWriter o)
    {
        o.WriteLine("forgetting curves (scenario field \"forgetting.curve\"; strength = baseline + (peak - baseline) R(dt)):");
        o.WriteLine("  exponential  R = 2^(-dt/halfLife)                      halfLife = 8");
        o.WriteLine("  sigmoid      R = (1+e^(-m/s)) / (1+e^((dt-m)/s))        midpoint m = 10, width s = 3 (default curve)");
        o.WriteLine("  power-law    R = (1 + dt/tau)^(-exponent)              tau = 4, exponent = 0.8");
        o.WriteLine("  shared: heterogeneity = 0.3 (log-sd of per-user speed), baseline = 0.1, reinforcement = 0.6 (w += eta (1 - w))");
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
