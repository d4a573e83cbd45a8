using Simulator.Cli.Infrastructure;

namespace Simulator.Cli.Commands;

/// <summary>Settings of `simulator run`, read from the command line; cross-field rules in <see cref="Validate"/>.</summary>
public sealed record RunSettings
{
    public required string ScenarioPath { get; init; }

    public string? Out { get; init; }

    public string ResultsRoot { get; init; } = "results";

    public int? Seeds { get; init; }

    public int? Users { get; init; }

    public int? Ticks { get; init; }

    public int? Threads { get; init; }

    public string Device { get; init; } = "auto";

    public bool Quiet { get; init; }

    /// <summary>--cluster HOST:GATEWAY: run the seeds on an Orleans cluster instead of locally.</summary>
    public string? Cluster { get; init; }

    /// <summary>--expect-silos N: silos to wait for before a cluster run starts.</summary>
    public int ExpectSilos { get; init; } = 1;

    /// <summary>--cluster-id ID: must match the silos' cluster id.</summary>
    public string ClusterId { get; init; } = Simulator.Cluster.Hosting.SiloSettings.DefaultClusterId;

    /// <summary>--shard-grains: split each seed's users over one shard grain per logical shard instead of running whole seeds on silos.</summary>
    public bool ShardGrains { get; init; }

    /// <summary>--export: also write the synthetic dataset (interactions.csv, users.csv, items.csv).</summary>
    public bool Export { get; init; }

    /// <summary>--checkpoint-every N: save the full run state every N ticks (null: no checkpoints).</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>--checkpoint-dir DIR: where checkpoints go (default: &lt;results&gt;/.checkpoints).</summary>
    public string? CheckpointDir { get; init; }

    /// <summary>--memory-limit MiB: refuse scenarios estimated above this much host memory (default: what the machine or container allows).</summary>
    public int? MemoryLimitMib { get; init; }

    /// <summary>--resume FILE: continue from this checkpoint instead of starting afresh.</summary>
    public string? Resume { get; init; }

    /// <summary>Scenario overrides: --set path=value, plus --seeds/--users/--ticks as shorthands.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Overrides { get; init; } = [];

    public static RunSettings Read(ArgumentReader args)
    {
        var settings = new RunSettings
        {
            Out = args.String("out"),
            ResultsRoot = args.String("results") ?? "results",
            Seeds = args.Int("seeds", 1, 1000),
            Users = args.Int("users", 1, 100_000_000),
            Ticks = args.Int("ticks", 1, 1_000_000),
            Threads = args.Int("threads", 1, 1024),
            Device = args.Choice("device", "auto", EngineSelector.Devices),
            Quiet = args.Flag("quiet"),
            Cluster = args.String("cluster"),
            ExpectSilos = args.Int("expect-silos", 1, 1000) ?? 1,
            ClusterId = args.String("cluster-id") ?? Simulator.Cluster.Hosting.SiloSettings.DefaultClusterId,
            ShardGrains = args.Flag("shard-grains"),
            Export = args.Flag("export"),
            CheckpointEvery = args.Int("checkpoint-every", 1, 1_000_000),
            CheckpointDir = args.String("checkpoint-dir"),
            Resume = args.String("resume"),
            MemoryLimitMib = args.Int("memory-limit", 1, int.MaxValue),
            ScenarioPath = string.Empty,
        };
        settings = settings with { Overrides = ReadOverrides(args, settings) };
        args.Finish(1);
        if (args.Positionals.Count == 0 && settings.Resume is null)
        {
            throw new UsageException("run needs a scenario file, e.g. `simulator run scenarios/quickstart.json`, or --resume <checkpoint>");
        }

        settings = settings with { ScenarioPath = args.Positionals.Count > 0 ? args.Positionals[0] : string.Empty };
        settings.Validate();
        return settings;
    }

    private static List<KeyValuePair<string, string>> ReadOverrides(ArgumentReader args, RunSettings settings)
    {
        var overrides = new List<KeyValuePair<string, string>>();
        foreach (var set in args.Strings("set"))
        {
            var eq = set.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"option --set: expected path=value (e.g. population.users=5000), found \"{set}\"");
            }

            overrides.Add(new(set[..eq], set[(eq + 1)..]));
        }

        void Add(string path, int? value)
        {
            if (value is not null)
            {
                overrides.Add(new(path, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        Add("seeds", settings.Seeds);
        Add("population.users", settings.Users);
        Add("ticks", settings.Ticks);
        return overrides;
    }

    public void Validate()
    {
        if (Out is not null && Out.Trim().Length == 0)
        {
            throw new UsageException("option --out: expected a folder path, found an empty string");
        }

        if (Cluster is null && ExpectSilos != 1)
        {
            throw new UsageException("option --expect-silos needs --cluster HOST:GATEWAY");
        }

        if (Cluster is null && ShardGrains)
        {
            throw new UsageException("option --shard-grains needs --cluster HOST:GATEWAY (a local run already splits its users over threads by shard)");
        }

        if (Cluster is not null && Export)
        {
            throw new UsageException("option --export is not available with --cluster yet (the dataset is written by local runs only); run without --cluster to export");
        }

        if (CheckpointDir is not null && CheckpointEvery is null && Cluster is null)
        {
            throw new UsageException("option --checkpoint-dir: needs --checkpoint-every N (how often to checkpoint)");
        }
    }
}
