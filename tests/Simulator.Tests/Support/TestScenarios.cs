using Simulator.Core.Scenarios;

namespace Simulator.Tests.Support;

/// <summary>Small scenarios for fast tests (hundreds of users, a few ticks).</summary>
internal static class TestScenarios
{
    public const string SmallJson = """
        {
          "name": "small",
          "seed": 7,
          "seeds": 2,
          "ticks": 12,
          "shards": 4,
          "slateSize": 5,
          "population": { "users": 300, "topics": 8, "activity": 0.9 },
          "catalog": { "items": 60 },
          "drift": { "kind": "abrupt", "rate": 0.05, "events": [6] },
          "strategies": ["random", "popularity", "ema", "oracle"]
        }
        """;

    public static Scenario Small(Func<string, string>? edit = null) =>
        ScenarioParser.Parse(edit is null ? SmallJson : edit(SmallJson), "small");

    /// <summary>Finds the repository root (the folder holding Simulator.sln).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Simulator.sln not found above the test binaries");
    }
}
