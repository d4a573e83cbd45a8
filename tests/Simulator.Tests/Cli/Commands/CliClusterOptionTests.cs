using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>Usage errors of the cluster options: exit 2 with a message naming the option, before any connection.</summary>
public sealed class CliClusterOptionTests
{
    private static (int Code, string Err) Cli(params string[] args)
    {
        var (code, _, err) = CliHarness.Run(args);
        return (code, err);
    }

    [Fact]
    public void Expect_silos_without_cluster_is_a_usage_error()
    {
        var (code, err) = Cli("run", Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json"), "--expect-silos", "3");
        Assert.Equal(2, code);
        Assert.Contains("--expect-silos needs --cluster", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_without_a_port_is_a_usage_error()
    {
        var (code, err) = Cli("run", Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json"), "--cluster", "localhost");
        Assert.Equal(2, code);
        Assert.Contains("option --cluster: expected HOST:PORT", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_with_cluster_is_a_usage_error()
    {
        var (code, err) = Cli("run", Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json"), "--cluster", "127.0.0.1:30000", "--export");
        Assert.Equal(2, code);
        Assert.Contains("--export is not available with --cluster", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Shard_grains_without_cluster_is_a_usage_error()
    {
        var quickstart = Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json");
        var (code, err) = Cli("run", quickstart, "--shard-grains");
        Assert.Equal(2, code);
        Assert.Contains("--shard-grains needs --cluster", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Shard_grains_name_the_strategies_that_cannot_run_on_shards_before_connecting()
    {
        // Port 9 (discard) has no gateway: the refusal must come before any connection attempt.
        var quickstart = Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json");
        var (code, err) = Cli("run", quickstart, "--cluster", "127.0.0.1:9", "--shard-grains", "--set", "strategies=[\"ema\", \"mf\", \"mlp-static\"]");
        Assert.Equal(2, code);
        Assert.Contains("strategies mf, mlp-static cannot run split over shard grains", err, StringComparison.Ordinal);
        Assert.DoesNotContain("ema", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_checkpoints_and_local_checkpoints_are_not_confused()
    {
        var folder = Directory.CreateTempSubdirectory("cli-seeds-").FullName;
        try
        {
            var seeds = Path.Combine(folder, "run" + Simulator.Cluster.SeedCheckpoint.Extension);
            Simulator.Cluster.SeedCheckpoint.Create(seeds, "{}");
            var (code, err) = Cli("run", "--resume", seeds);
            Assert.Equal(2, code);
            Assert.Contains("this is a cluster checkpoint", err, StringComparison.Ordinal);
            Assert.Contains("--cluster HOST:GATEWAY", err, StringComparison.Ordinal);

            // A file that is not a seed checkpoint, resumed on a cluster: named, before any connection.
            var other = Path.Combine(folder, "run.ckpt");
            File.WriteAllText(other, "not a checkpoint");
            (code, err) = Cli("run", "--cluster", "127.0.0.1:30000", "--resume", other);
            Assert.Equal(2, code);
            Assert.Contains($"--resume {other}: not a cluster checkpoint", err, StringComparison.Ordinal);
            Assert.Contains("a local checkpoint is resumed without --cluster", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "silo", "--gateway", "30000" }, "silo needs --port")]
    [InlineData(new[] { "silo", "--port", "11111" }, "silo needs --gateway")]
    [InlineData(new[] { "silo", "--port", "11111", "--gateway", "11111" }, "must differ")]
    [InlineData(new[] { "silo", "--port", "11111", "--gateway", "30000", "--primary", "nowhere" }, "option --primary: expected HOST:PORT")]
    [InlineData(new[] { "silo", "--port", "11111", "--gateway", "30000", "--host", "not-an-ip" }, "option --host")]
    public void Silo_usage_errors_name_the_option(string[] args, string expected)
    {
        var (code, err) = Cli(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }
}
