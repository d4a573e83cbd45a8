using Simulator.Core.Strategies;
using Simulator.Storage.Export;
using Simulator.Tests.Storage.Export;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>`simulator run --export`, in-process: files, determinism across threads, interruption, help.</summary>
public sealed class CliExportTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-export-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Out, string Err) Cli(string[] args, TextWriter? stderr = null, CancellationToken cancel = default)
    {
        using var stdout = new StringWriter();
        var err = stderr ?? new StringWriter();
        var code = Simulator.Cli.Cli.Run(args, stdout, err, cancel);
        return (code, stdout.ToString(), err.ToString() ?? string.Empty);
    }

    private string Scenario(string json)
    {
        var path = Path.Combine(_temp, $"s{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Export_writes_the_dataset_next_to_the_run_files_and_the_same_bytes_for_any_thread_count()
    {
        var path = Scenario(TestScenarios.SmallJson);
        var a = Path.Combine(_temp, "a");
        var b = Path.Combine(_temp, "b");
        var first = Cli(["run", path, "--out", a, "--quiet", "--device", "cpu", "--threads", "1", "--export", "--users", "80", "--ticks", "7"]);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(0, Cli(["run", path, "--out", b, "--quiet", "--device", "cpu", "--threads", "2", "--export", "--users", "80", "--ticks", "7"]).Code);
        Assert.True(File.Exists(Path.Combine(a, "summary.json")));
        foreach (var (file, header) in new[]
                 {
                     (DatasetFiles.Interactions, DatasetFiles.InteractionsHeader),
                     (DatasetFiles.Users, DatasetFiles.UsersHeader),
                     (DatasetFiles.Items, DatasetFiles.ItemsHeader(TestScenarios.Small().Dim)),
                 })
        {
            var bytes = File.ReadAllBytes(Path.Combine(a, file));
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(b, file)));
            Assert.StartsWith(header + "\n", File.ReadAllText(Path.Combine(a, file)), StringComparison.Ordinal);
        }

        Assert.Equal(1 + (2 * 80), File.ReadAllLines(Path.Combine(a, DatasetFiles.Users)).Length);
        Assert.Equal(1 + (2 * 60), File.ReadAllLines(Path.Combine(a, DatasetFiles.Items)).Length);
    }

    [Fact]
    public void Without_export_no_dataset_files_are_written()
    {
        var outDir = Path.Combine(_temp, "plain");
        Assert.Equal(0, Cli(["run", Scenario(TestScenarios.SmallJson), "--out", outDir, "--quiet", "--device", "cpu", "--users", "50", "--ticks", "7"]).Code);
        Assert.True(File.Exists(Path.Combine(outDir, "metrics.csv")));
        Assert.False(File.Exists(Path.Combine(outDir, DatasetFiles.Interactions)));
        Assert.False(File.Exists(Path.Combine(outDir, DatasetFiles.Users)));
        Assert.False(File.Exists(Path.Combine(outDir, DatasetFiles.Items)));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Export_covers_every_catalog_strategy_and_every_seed()
    {
        var names = StrategyCatalog.All.Select(d => d.Name).ToArray();
        var json = TestScenarios.SmallJson
            .Replace("\"seeds\": 2", "\"seeds\": 3", StringComparison.Ordinal)
            .Replace("[\"random\", \"popularity\", \"ema\", \"oracle\"]", "[" + string.Join(", ", names.Select(n => $"\"{n}\"")) + "]", StringComparison.Ordinal);
        var outDir = Path.Combine(_temp, "all");
        var (code, _, err) = Cli(["run", Scenario(json), "--out", outDir, "--quiet", "--device", "cpu", "--export", "--users", "40", "--ticks", "7"]);
        Assert.True(code == 0, err);
        var rows = CsvText.Rows(File.ReadAllText(Path.Combine(outDir, DatasetFiles.Interactions))).Skip(1).ToList();
        Assert.Equal(names.Order(), rows.Select(r => r[1]).Distinct().Order());
        Assert.Equal(3, rows.Select(r => r[0]).Distinct().Count());
        Assert.Equal(3, CsvText.Rows(File.ReadAllText(Path.Combine(outDir, DatasetFiles.Users))).Skip(1).Select(r => r[0]).Distinct().Count());
    }

    [Fact]
    public void An_interrupted_export_leaves_no_folder_and_no_partial_files()
    {
        var parent = Path.Combine(_temp, "interrupted");
        Directory.CreateDirectory(parent);
        var outDir = Path.Combine(parent, "run");
        using var cancel = new CancellationTokenSource();

        // Progress prints after the first tick (already exported); cancelling there stops the run mid-export.
        using var stderr = new CancelOnProgress(cancel, parent);
        var (code, _, err) = Cli(["run", Scenario(TestScenarios.SmallJson), "--out", outDir, "--device", "cpu", "--export"], stderr, cancel.Token);
        Assert.True(stderr.Cancelled, err);
        Assert.True(stderr.SawPartialExport, "the export files should exist in the .partial folder when the run is interrupted");
        Assert.Equal(130, code);
        Assert.False(Directory.Exists(outDir));
        Assert.Empty(Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public void Run_help_documents_export()
    {
        var (code, stdout, _) = Cli(["run", "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("--export", stdout, StringComparison.Ordinal);
        Assert.Contains(DatasetFiles.InteractionsHeader, stdout, StringComparison.Ordinal);
    }

    /// <summary>A stderr that cancels the run when the first progress line appears, noting whether the export had begun.</summary>
    private sealed class CancelOnProgress(CancellationTokenSource source, string parent) : StringWriter
    {
        public bool Cancelled { get; private set; }

        public bool SawPartialExport { get; private set; }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains("tick 1/", StringComparison.Ordinal))
            {
                Cancelled = true;
                SawPartialExport = Directory.GetDirectories(parent, ".partial-*")
                    .Any(d => File.Exists(Path.Combine(d, DatasetFiles.Interactions)) && File.Exists(Path.Combine(d, DatasetFiles.Users)));
                source.Cancel();
            }
        }
    }
}
