using System.Text.Json.Nodes;
using Simulator.Storage.RunFolders;
using Simulator.Tests.Reporting;

namespace Simulator.Tests.Storage.RunFolders;

/// <summary>Reading a run folder back: exact round trip, tolerance for new fields, errors that name the file.</summary>
public sealed class RunFolderReaderTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-reader-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Folder(string name = "run") => RunFolders.Write(SyntheticRun.Create(), Path.Combine(_temp, name));

    [Fact]
    public void Read_then_write_gives_the_same_summary_and_metrics_bytes()
    {
        // A real run's summary carries the statistics derived from its series (comparisons,
        // normalised scores), which reading recomputes: the synthetic run gets them by one read.
        var original = RunFolderReader.Read(RunFolders.Write(SyntheticRun.Create(), Path.Combine(_temp, "raw")));
        var dir = RunFolders.Write(original, Path.Combine(_temp, "rt"));
        var read = RunFolderReader.Read(dir);

        Assert.Equal(File.ReadAllText(Path.Combine(dir, RunFileNames.Summary)), SummaryJson.Write(read));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, RunFileNames.Metrics)), RunFolders.Csv(read));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, RunFileNames.Environment)), EnvironmentJson.Write(read.Environment));
        Assert.Equal(original.Strategies, read.Strategies);
        Assert.Equal(original.Metrics, read.Metrics);
        Assert.Equal(original.Seeds, read.Seeds);
        Assert.Equal(original.DriftEventTicks, read.DriftEventTicks);
        Assert.Equal((original.Users, original.Items, original.Dim, original.SlateSize, original.Ticks),
            (read.Users, read.Items, read.Dim, read.SlateSize, read.Ticks));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, RunFileNames.Scenario)), read.ScenarioJson);
    }

    [Fact]
    public void Unknown_summary_fields_are_ignored()
    {
        var dir = Folder();
        var path = Path.Combine(dir, RunFileNames.Summary);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["comparisons"] = new JsonArray(new JsonObject { ["a"] = "oracle", ["b"] = "popularity", ["p"] = 0.01 });
        json["recovery"] = new JsonObject { ["ndcg@10"] = new JsonObject { ["oracle"] = 3 } };
        json["normalised"] = true;
        json["strategies"]!["oracle"]!["ndcg@10"]!["extra"] = "x";
        json["strategies"]!["oracle"]!["notes"] = "not a metric";
        File.WriteAllText(path, json.ToJsonString());

        var read = RunFolderReader.Read(dir);
        Assert.Equal(SyntheticRun.DefaultMetrics, read.Metrics);
        Assert.Equal(SyntheticRun.DefaultStrategies, read.Strategies);
    }

    [Theory]
    [InlineData("scenario.json")]
    [InlineData("summary.json")]
    [InlineData("metrics.csv")]
    [InlineData("environment.json")]
    public void A_missing_file_is_named(string file)
    {
        var dir = Folder();
        File.Delete(Path.Combine(dir, file));
        var e = Assert.Throws<RunFolderException>(() => RunFolderReader.Read(dir));
        Assert.Contains(Path.Combine(dir, file), e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, "oracle,1,4,0.5,oops,0.1", "metrics.csv:5", "expected_ctr value \"oops\" is not a number")]
    [InlineData(3, "oracle,1,1,0.5", "metrics.csv:3", "expected 6 comma-separated values")]
    [InlineData(2, "nobody,1,0,0.5,0.1,0.1", "metrics.csv:2", "strategy \"nobody\"")]
    [InlineData(2, "oracle,99,0,0.5,0.1,0.1", "metrics.csv:2", "seed \"99\"")]
    [InlineData(2, "oracle,1,20,0.5,0.1,0.1", "metrics.csv:2", "tick \"20\"")]
    [InlineData(3, "oracle,1,0,0.5,0.1,0.1", "metrics.csv:3", "duplicate row")]
    [InlineData(1, "strategy,tick,seed,ndcg@10", "metrics.csv:1", "header")]
    public void A_bad_csv_line_is_named_with_file_and_line(int line, string text, string where, string what)
    {
        var dir = Folder();
        var path = Path.Combine(dir, RunFileNames.Metrics);
        var lines = File.ReadAllLines(path);
        lines[line - 1] = text;
        File.WriteAllLines(path, lines);
        var e = Assert.Throws<RunFolderException>(() => RunFolderReader.Read(dir));
        Assert.Contains(Path.Combine(dir, where), e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_csv_rows_are_reported()
    {
        var dir = Folder();
        var path = Path.Combine(dir, RunFileNames.Metrics);
        var lines = File.ReadAllLines(path);
        File.WriteAllLines(path, lines[..^1]);
        var e = Assert.Throws<RunFolderException>(() => RunFolderReader.Read(dir));
        Assert.Contains("first missing: strategy popularity, seed 3, tick 19", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("summary.json", "{\"scenario\": ", "not valid JSON")]
    [InlineData("summary.json", "{\"scenario\": \"x\", \"seeds\": [1], \"strategies\": {}}", "\"strategies\" is empty")]
    [InlineData("scenario.json", "{\"ticks\": 20}", "missing field \"population\"")]
    [InlineData("scenario.json", "[1, 2]", "expected a JSON object")]
    [InlineData("environment.json", "{\"engine\": 3}", "\"engine\" must be a string")]
    public void Malformed_json_names_the_file(string file, string content, string what)
    {
        var dir = Folder();
        File.WriteAllText(Path.Combine(dir, file), content);
        var e = Assert.Throws<RunFolderException>(() => RunFolderReader.Read(dir));
        Assert.Contains(Path.Combine(dir, file), e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_summary_missing_a_csv_metric_is_refused()
    {
        var dir = Folder();
        var path = Path.Combine(dir, RunFileNames.Summary);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["strategies"]!["ema-decay"]!.AsObject().Remove("regret");
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<RunFolderException>(() => RunFolderReader.Read(dir));
        Assert.Contains("\"ema-decay\" has no summary for metric \"regret\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        var dir = Path.Combine(_temp, "nope");
        var e = Assert.Throws<RunFolderException>(() => RunFolderReader.Read(dir));
        Assert.Contains(dir, e.Message, StringComparison.Ordinal);
    }
}
