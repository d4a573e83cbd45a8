using Simulator.Tests.Reporting;
using Simulator.Tests.Storage.RunFolders;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>`report` and `compare`, in-process: redraws are byte-identical, bad input exits 2 and writes nothing.</summary>
public sealed class CliReportTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-report-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    private string SimulatedRun(string name, params string[] extra)
    {
        var scenario = Path.Combine(_temp, "small.json");
        File.WriteAllText(scenario, TestScenarios.SmallJson);
        var outDir = Path.Combine(_temp, name);
        var (code, _, err) = Cli(["run", scenario, "--out", outDir, "--quiet", "--device", "cpu", "--users", "120", .. extra]);
        Assert.True(code == 0, err);
        return outDir;
    }

    private static Dictionary<string, byte[]> Plots(string runDir) =>
        Directory.GetFiles(Path.Combine(runDir, "plots"))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);

    [Fact]
    [Trait("Category", "Slow")]
    public void Report_into_another_folder_reproduces_byte_identical_figures_and_reports()
    {
        var run = SimulatedRun("run");
        var copy = Path.Combine(_temp, "redrawn");
        var (code, stdout, err) = Cli("report", run, "--out", copy);
        Assert.True(code == 0, err);
        Assert.Equal(copy, stdout.TrimEnd().Split('\n')[^1]);

        var before = Plots(run);
        var after = Plots(copy);
        Assert.Contains("ndcg_at_5.png", before.Keys);
        Assert.Contains("exposure_lorenz.png", before.Keys);
        Assert.Contains("example_user_0.png", before.Keys);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), name);
        }

        foreach (var file in new[] { "report.html", "report.md", "summary.json", "metrics.csv", "scenario.json", "environment.json", "exposure.csv", "example-users.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(run, file)), File.ReadAllBytes(Path.Combine(copy, file)));
        }

        Assert.Empty(Directory.GetDirectories(_temp, ".partial-*"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void A_simulated_run_folder_reads_back_and_writes_the_same_bytes()
    {
        var run = SimulatedRun("roundtrip");
        var read = Simulator.Storage.RunFolders.RunFolderReader.Read(run);
        Assert.Equal(File.ReadAllText(Path.Combine(run, "summary.json")), Simulator.Storage.RunFolders.SummaryJson.Write(read));
        Assert.Equal(File.ReadAllText(Path.Combine(run, "metrics.csv")), RunFolders.Csv(read));
        Assert.Equal(File.ReadAllText(Path.Combine(run, "environment.json")), Simulator.Storage.RunFolders.EnvironmentJson.Write(read.Environment));
        Assert.Equal([6], read.DriftEventTicks);
        Assert.Equal((120, 60, 8, 5, 12), (read.Users, read.Items, read.Dim, read.SlateSize, read.Ticks));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Report_in_place_replaces_the_report_and_leaves_no_staging_files()
    {
        var run = SimulatedRun("inplace");
        var before = Plots(run);
        var html = File.ReadAllBytes(Path.Combine(run, "report.html"));
        File.WriteAllText(Path.Combine(run, "report.md"), "stale");
        File.WriteAllText(Path.Combine(run, "plots", "stale.png"), "stale");

        var (code, stdout, err) = Cli("report", run);
        Assert.True(code == 0, err);
        Assert.Equal(run, stdout.TrimEnd().Split('\n')[^1]);
        var after = Plots(run);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), name);
        }

        Assert.Equal(html, File.ReadAllBytes(Path.Combine(run, "report.html")));
        Assert.NotEqual("stale", File.ReadAllText(Path.Combine(run, "report.md")));
        Assert.Empty(Directory.GetFileSystemEntries(run, ".*"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Compare_writes_one_self_contained_report_naming_both_runs()
    {
        var a = SimulatedRun("run-a");
        var b = SimulatedRun("run-b", "--set", "drift.rate=0.3", "--seeds", "1", "--ticks", "8");
        var results = Path.Combine(_temp, "results");
        var (code, stdout, err) = Cli("compare", a, b, "--results", results);
        Assert.True(code == 0, err);
        var folder = stdout.TrimEnd().Split('\n')[^1];
        Assert.StartsWith(Path.Combine(results, "compare") + Path.DirectorySeparatorChar, folder, StringComparison.Ordinal);

        var html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("run-a (small)", html, StringComparison.Ordinal);
        Assert.Contains("run-b (small)", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.Contains("run-b (small)", File.ReadAllText(Path.Combine(folder, "report.md")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "plots", "compare_ndcg_at_5.png")));
        Assert.True(File.Exists(Path.Combine(folder, "plots", "compare_summary_regret.png")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(results, "compare"), ".partial-*"));
    }

    [Fact]
    public void Compare_skips_metrics_not_in_every_run_and_says_which()
    {
        var a = RunFolders.Write(SyntheticRun.Create(), Path.Combine(_temp, "syn-a"));
        var b = RunFolders.Write(SyntheticRun.Create(metrics: ["ndcg@10", "gini"], seeds: 1), Path.Combine(_temp, "syn-b"));
        var outDir = Path.Combine(_temp, "cmp");
        var (code, _, err) = Cli("compare", a, b, "--out", outDir);
        Assert.True(code == 0, err);
        Assert.Contains("expected_ctr (missing in syn-b (synthetic-drift))", err, StringComparison.Ordinal);
        Assert.Contains("gini (missing in syn-a (synthetic-drift))", err, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("Skipped metrics", html, StringComparison.Ordinal);
        Assert.Equal(["compare_ndcg_at_10", "compare_summary_ndcg_at_10"],
            Directory.GetFiles(Path.Combine(outDir, "plots"), "*.png").Select(f => Path.GetFileNameWithoutExtension(f)).Order().ToArray());

        var only = Cli("compare", a, b, "--out", Path.Combine(_temp, "cmp2"), "--metric", "regret");
        Assert.Equal(2, only.Code);
        Assert.Contains("--metric regret: not in every run", only.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_temp, "cmp2")));
    }

    [Fact]
    public void Bad_arguments_exit_2_with_a_message_and_leave_nothing_behind()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_temp, "empty")).FullName;
        var good = RunFolders.Write(SyntheticRun.Create(), Path.Combine(_temp, "good"));
        var results = Path.Combine(_temp, "results");
        var outDir = Path.Combine(_temp, "out");
        string[][] cases =
        [
            ["report"],
            ["report", Path.Combine(_temp, "missing")],
            ["report", empty],
            ["report", empty, "--out", outDir],
            ["report", good, "--bogus"],
            ["report", good, good],
            ["compare", good],
            ["compare", good, Path.Combine(_temp, "missing"), "--results", results],
            ["compare", good, empty, "--out", outDir],
        ];
        foreach (var args in cases)
        {
            var (code, _, err) = Cli(args);
            Assert.True(code == 2, string.Join(' ', args) + ": " + err);
            Assert.StartsWith("error: ", err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(results));
        Assert.False(Directory.Exists(outDir));
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
        Assert.Contains("empty: not a run folder", Cli("report", empty).Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_report_and_compare()
    {
        var help = Cli("--help").Out;
        Assert.Contains("report <run-dir>", help, StringComparison.Ordinal);
        Assert.Contains("compare <run-dir>", help, StringComparison.Ordinal);
        Assert.Contains("--out DIR", Cli("report", "--help").Out, StringComparison.Ordinal);
        Assert.Contains("--metric M", Cli("compare", "--help").Out, StringComparison.Ordinal);
    }
}
