namespace Simulator.Reporting.RunFiles;

/// <summary>The files of a run folder.</summary>
public static class RunFileNames
{
    public const string Scenario = "scenario.json";
    public const string Summary = "summary.json";
    public const string Metrics = "metrics.csv";
    public const string Environment = "environment.json";
    public const string Html = "report.html";
    public const string Markdown = "report.md";
    public const string Plots = "plots";
    public const string ExampleUsers = "example-users.json";
    public const string Exposure = "exposure.csv";
}
