namespace Simulator.Storage.RunFolders;

/// <summary>The files of a run folder.</summary>
public static class RunFileNames
{
    public const string Scenario = "scenario.json";
    public const string Summary = "summary.json";
    public const string Metrics = "metrics.csv";
    public const string Environment = "environment.json";

    /// <summary>Fitted vs true forgetting rate per user (strategies that fit forgetting only).</summary>
    public const string ParameterRecovery = "parameter-recovery.csv";
    /// <summary>Learned vs true retention per probed gap (time-aware strategies only).</summary>
    public const string Retention = "retention.csv";
    public const string Html = "report.html";
    public const string Markdown = "report.md";
    public const string Plots = "plots";
    public const string ExampleUsers = "example-users.json";
    public const string Exposure = "exposure.csv";

    /// <summary>The data files a run folder holds besides its report; `report --out` copies them.</summary>
    public static readonly string[] DataFiles = [Scenario, Summary, Metrics, Environment];

    /// <summary>Data files a run folder holds only when the run produced them (exposure counts, example users).</summary>
    public static readonly string[] OptionalDataFiles = [Exposure, ExampleUsers, ParameterRecovery, Retention];
}
