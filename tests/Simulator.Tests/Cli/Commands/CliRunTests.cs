using System.Text.Json;
using Simulator.Core.Scenarios;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>The `simulator` commands, in-process, on small scenarios written to temporary folders.</summary>
public sealed class CliRunTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Scenario(string json)
    {
        var path = Path.Combine(_temp, $"s{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Run_writes_the_full_run_folder_and_prints_its_path_last()
    {
        var outDir = Path.Combine(_temp, "run");
        var (code, stdout, stderr) = Cli("run", Scenario(TestScenarios.SmallJson), "--out", outDir, "--quiet", "--device", "cpu");
        Assert.True(code == 0, stderr);
        Assert.Equal(outDir, stdout.TrimEnd().Split('\n')[^1]);
        foreach (var file in new[] { "scenario.json", "summary.json", "metrics.csv", "environment.json", "report.html", "report.md" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outDir, "plots"), "*.png"));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var oracle = summary.RootElement.GetProperty("strategies").GetProperty("oracle");
        Assert.Equal(1.0, oracle.GetProperty("ndcg@5").GetProperty("mean").GetDouble(), 6);
        Assert.Equal(0.0, oracle.GetProperty("regret").GetProperty("mean").GetDouble(), 6);
        Assert.Equal(1.0, oracle.GetProperty("ndcg@5").GetProperty("normalised").GetDouble());
        var random = summary.RootElement.GetProperty("strategies").GetProperty("random");
        Assert.Equal(0.0, random.GetProperty("ndcg@5").GetProperty("normalised").GetDouble());
        Assert.Equal(JsonValueKind.Null, random.GetProperty("tracking_error").GetProperty("mean").ValueKind);
        Assert.Equal("random", summary.RootElement.GetProperty("comparisons").GetProperty("reference").GetString());
        Assert.True(summary.RootElement.GetProperty("recovery").GetProperty("oracle").GetArrayLength() > 0);
        Assert.Equal(2, summary.RootElement.GetProperty("seeds").GetArrayLength());
        var csv = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
        Assert.Equal("strategy,seed,tick," + string.Join(',', Simulator.Core.Metrics.MetricCatalog.Defaults(5)), csv[0]);
        Assert.StartsWith("strategy,seed,tick,ndcg@5,expected_ctr,realised_ctr,regret,", csv[0], StringComparison.Ordinal);
        Assert.Equal(1 + (4 * 2 * 12), csv.Length);
        Assert.Empty(Directory.GetDirectories(_temp, ".partial-*"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Same_scenario_twice_gives_byte_identical_results_across_thread_counts()
    {
        var path = Scenario(TestScenarios.SmallJson);
        var a = Path.Combine(_temp, "a");
        var b = Path.Combine(_temp, "b");
        Assert.Equal(0, Cli("run", path, "--out", a, "--quiet", "--device", "cpu", "--threads", "1").Code);
        Assert.Equal(0, Cli("run", path, "--out", b, "--quiet", "--device", "cpu", "--threads", "2").Code);
        foreach (var file in new[] { "summary.json", "metrics.csv", "scenario.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        }
    }

    [Fact]
    public void Overrides_change_the_resolved_scenario()
    {
        var outDir = Path.Combine(_temp, "o");
        var (code, _, err) = Cli("run", Scenario(TestScenarios.SmallJson), "--out", outDir, "--quiet", "--device", "cpu",
            "--users", "120", "--ticks", "8", "--seeds", "1", "--set", "drift.rate=0.2", "--set", "choice.temperature=2");
        Assert.True(code == 0, err);
        using var scenario = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "scenario.json")));
        Assert.Equal(120, scenario.RootElement.GetProperty("population").GetProperty("users").GetInt32());
        Assert.Equal(8, scenario.RootElement.GetProperty("ticks").GetInt32());
        Assert.Equal(0.2, scenario.RootElement.GetProperty("drift").GetProperty("rate").GetDouble(), 6);
        Assert.Equal(2.0, scenario.RootElement.GetProperty("choice").GetProperty("temperature").GetDouble(), 6);
    }

    [Theory]
    [InlineData("{\"population\": {\"users\": -3}}", "$.population.users")]
    [InlineData("", "empty")]
    [InlineData("{\"ticks\": ", "not valid JSON")]
    [InlineData("{\"strategies\": [\"emma\"]}", "did you mean \"ema\"")]
    public void Invalid_scenario_exits_2_with_a_named_problem_and_writes_nothing(string json, string expected)
    {
        var results = Path.Combine(_temp, "results");
        var path = Scenario(json);
        var (code, _, err) = Cli("run", path, "--results", results, "--quiet");
        Assert.Equal(2, code);
        Assert.Contains(path, err, StringComparison.Ordinal);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results) && Directory.EnumerateFileSystemEntries(results).Any());
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "missing.json")]
    [InlineData("run", "x.json", "--bogus")]
    [InlineData("run", "x.json", "--users", "0")]
    [InlineData("run", "x.json", "--device", "tpu")]
    [InlineData("frobnicate")]
    [InlineData("list", "nonsense")]
    [InlineData("bench", "--users", "abc")]
    public void Bad_arguments_exit_2_with_a_message(params string[] args)
    {
        var (code, _, err) = Cli(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Existing_nonempty_out_folder_is_refused_and_kept()
    {
        var outDir = Path.Combine(_temp, "keep");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "precious.txt"), "x");
        var (code, _, err) = Cli("run", Scenario(TestScenarios.SmallJson), "--out", outDir, "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("not empty", err, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "precious.txt")));
    }

    [Fact]
    public void Help_list_and_validate_work()
    {
        Assert.Contains("simulator run", Cli("--help").Out, StringComparison.Ordinal);
        Assert.Contains("--set PATH=VALUE", Cli("run", "--help").Out, StringComparison.Ordinal);
        var list = Cli("list");
        Assert.Equal(0, list.Code);
        Assert.Contains("ema", list.Out, StringComparison.Ordinal);
        Assert.Contains("sigmoid", list.Out, StringComparison.Ordinal);
        var scenarios = Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot(), "scenarios"), "*.json");
        Assert.NotEmpty(scenarios);
        var validate = Cli(["validate", .. scenarios]);
        Assert.True(validate.Code == 0, validate.Err);
        Assert.Contains("schema.json: the JSON Schema of scenario files; skipped", validate.Out, StringComparison.Ordinal);
        Assert.Equal(2, Cli("validate", Scenario("{\"ticks\": -1}")).Code);
    }

    [Fact]
    public void List_world_shows_every_drift_process_curve_and_the_choice_model_with_defaults()
    {
        var (code, output, _) = Cli("list", "world");
        Assert.Equal(0, code);
        foreach (var name in ScenarioParser.DriftKinds.Keys.Concat(ScenarioParser.Curves.Keys))
        {
            Assert.Contains($"  {name} ", output, StringComparison.Ordinal);
        }

        foreach (var text in new[] { "midpoint = 50, width = 20", "amplitude = 1, period = 30", "recoveryRate = 0", "churn: threshold = 0", "noClickUtility v0 = 1.5", "satiationWeight = 0" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }

        Assert.Equal(output, Cli("list", "drift").Out + Cli("list", "forgetting").Out + Cli("list", "users").Out + Cli("list", "choice").Out + Cli("list", "catalog").Out);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Run_on_ilgpu_cpu_accelerator_matches_the_cpu_engine()
    {
        var path = Scenario(TestScenarios.SmallJson);
        var cpu = Path.Combine(_temp, "cpu");
        var ilgpu = Path.Combine(_temp, "ilgpu");
        string[] common = ["--quiet", "--seeds", "1", "--ticks", "8", "--users", "120"];
        Assert.Equal(0, Cli(["run", path, "--out", cpu, "--device", "cpu", .. common]).Code);
        var (code, _, err) = Cli(["run", path, "--out", ilgpu, "--device", "ilgpu-cpu", .. common]);
        Assert.True(code == 0, err);
        Assert.Equal("ilgpu-cpu", JsonDocument.Parse(File.ReadAllText(Path.Combine(ilgpu, "environment.json"))).RootElement.GetProperty("engine").GetString());
        using var a = JsonDocument.Parse(File.ReadAllText(Path.Combine(cpu, "summary.json")));
        using var b = JsonDocument.Parse(File.ReadAllText(Path.Combine(ilgpu, "summary.json")));
        foreach (var strategy in a.RootElement.GetProperty("strategies").EnumerateObject())
        {
            foreach (var metric in strategy.Value.EnumerateObject())
            {
                // Undefined metrics (tracking error without an estimate) are null on both engines.
                var other = b.RootElement.GetProperty("strategies").GetProperty(strategy.Name).GetProperty(metric.Name).GetProperty("mean");
                Assert.Equal(metric.Value.GetProperty("mean").ValueKind, other.ValueKind);
                if (other.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                var expected = metric.Value.GetProperty("mean").GetDouble();
                var actual = other.GetDouble();
                Assert.True(Math.Abs(expected - actual) < 1e-3, $"{strategy.Name} {metric.Name}: cpu {expected} vs ilgpu-cpu {actual}");
            }
        }
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("ilgpu-cpu")]
    public void Check_compares_a_device_with_the_reference(string device)
    {
        var (code, stdout, err) = Cli("check", "--device", device, "--users", "300", "--items", "50", "--dim", "16", "--k", "5");
        Assert.True(code == 0, stdout + err);
        Assert.Contains("all operations match the reference", stdout, StringComparison.Ordinal);
        Assert.Equal(11, stdout.Split('\n').Count(l => l.TrimStart().StartsWith("pass", StringComparison.Ordinal)));
        foreach (var op in new[] { "gru_step", "lstm_step", "attention" })
        {
            Assert.Contains($"pass  {op}", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Bench_on_an_ilgpu_engine_times_the_int8_prefiltered_score_topk_beside_the_tick_and_checks_it()
    {
        var outDir = Path.Combine(_temp, "bench-ilgpu");
        var (code, _, err) = Cli("bench", "--users", "300", "--items", "2000", "--dim", "16", "--k", "10", "--reps", "1", "--device", "ilgpu-cpu", "--no-sequence", "--out", outDir, "--quiet");
        Assert.True(code == 0, err);
        using var bench = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench.json")));
        var root = bench.RootElement;
        Assert.Equal("fp32", root.GetProperty("score_path").GetString());
        Assert.Equal("int8 prefilter (integer emulation) + exact fp32 rescoring of survivors", root.GetProperty("gpu_prefilter_path").GetString());
        Assert.True(root.GetProperty("gpu_prefilter_matches_fp32").GetBoolean());
        Assert.InRange(root.GetProperty("survivor_share").GetDouble(), 0.005, 0.2);
        Assert.False(root.TryGetProperty("gpu_prefilter_error", out _));
        Assert.True(root.GetProperty("stages").GetProperty("score_topk_prefiltered").GetProperty("median_s").GetDouble() > 0);
        Assert.Contains("score_topk_prefiltered (int8 prefilter", File.ReadAllText(Path.Combine(outDir, "bench.md")), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Bench_writes_bench_json_with_every_stage()
    {
        var outDir = Path.Combine(_temp, "bench");
        var (code, _, err) = Cli("bench", "--users", "2000,4000", "--items", "64", "--dim", "16", "--k", "5", "--reps", "1", "--device", "cpu", "--out", outDir, "--quiet");
        Assert.True(code == 0, err);
        using var bench = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench.json")));
        var stages = bench.RootElement.GetProperty("stages");
        foreach (var stage in new[] { "decay", "mlp", "score_topk", "choice", "reinforce", "tick", "population" })
        {
            var s = stages.GetProperty(stage);
            Assert.True(s.GetProperty("median_s").GetDouble() > 0);
            Assert.True(s.GetProperty("user_steps_per_s").GetDouble() > 0);
            Assert.True(s.TryGetProperty("gb_per_s", out _) || s.TryGetProperty("gflop_per_s", out _));
            Assert.True(s.GetProperty("fraction_of_limit").GetDouble() > 0);
        }

        Assert.True(bench.RootElement.GetProperty("probes").GetProperty("copy_gb_per_s").GetDouble() > 0);
        Assert.True(bench.RootElement.GetProperty("probes").GetProperty("gflop_per_s").GetDouble() > 0);
        Assert.Equal(2, bench.RootElement.GetProperty("sweep").GetArrayLength());
        Assert.True(bench.RootElement.GetProperty("peak_rss_mb").GetDouble() > 0);

        // The sequence models' stages at the largest population, and the model-size sweep up to
        // about 10^7 parameters (the smallest is 3,685 with these 64 items), each with its share of
        // the FMA probe; and its figure.
        var sequence = bench.RootElement.GetProperty("sequence");
        Assert.Equal(4000, sequence.GetProperty("users").GetInt32());
        foreach (var stage in new[] { "gru_step", "time_lstm_step", "attention" })
        {
            var s = sequence.GetProperty("stages").GetProperty(stage);
            Assert.True(s.GetProperty("median_s").GetDouble() > 0);
            Assert.True(s.GetProperty("gflop_per_s").GetDouble() > 0);
            Assert.True(s.GetProperty("fraction_of_fma_probe").GetDouble() > 0);
        }

        var sweep = sequence.GetProperty("size_sweep").EnumerateArray().Select(p => p.GetProperty("parameters").GetInt64()).ToList();
        Assert.Equal(sweep.Order(), sweep);
        Assert.True(sweep[0] < 100_000, $"smallest model {sweep[0]} parameters");
        Assert.InRange(sweep[^1], 5_000_000, 20_000_000);
        Assert.True(File.Exists(Path.Combine(outDir, "plots", "sequence_size_sweep.png")));
        Assert.Contains("## Sequence models", File.ReadAllText(Path.Combine(outDir, "bench.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_without_the_sequence_stages_leaves_them_out()
    {
        var outDir = Path.Combine(_temp, "bench-plain");
        var (code, _, err) = Cli("bench", "--users", "500", "--items", "32", "--dim", "16", "--k", "5", "--reps", "1", "--device", "cpu", "--no-sequence", "--out", outDir, "--quiet");
        Assert.True(code == 0, err);
        using var bench = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench.json")));
        Assert.False(bench.RootElement.TryGetProperty("sequence", out _));
        Assert.False(File.Exists(Path.Combine(outDir, "plots", "sequence_size_sweep.png")));
    }
}
