namespace Simulator.Tests.Cli;

/// <summary>Usage errors of the cluster options: exit 2 with a message naming the option, before any connection.</summary>
public sealed class CliClusterOptionTests
{
    private static (int Code, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(args, stdout, stderr, CancellationToken.None);
        return (code, stderr.ToString());
    }

    [Fact]
    public void ExpectSilosWithoutClusterIsAUsageError()
    {
        var (code, err) = Cli("run", Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json"), "--expect-silos", "3");
        Assert.Equal(2, code);
        Assert.Contains("--expect-silos needs --cluster", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterWithoutAPortIsAUsageError()
    {
        var (code, err) = Cli("run", Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json"), "--cluster", "localhost");
        Assert.Equal(2, code);
        Assert.Contains("option --cluster: expected HOST:PORT", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportWithClusterIsAUsageError()
    {
        var (code, err) = Cli("run", Path.Combine(TestScenarios.RepoRoot(), "scenarios", "quickstart.json"), "--cluster", "127.0.0.1:30000", "--export");
        Assert.Equal(2, code);
        Assert.Contains("--export is not available with --cluster", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "silo", "--gateway", "30000" }, "silo needs --port")]
    [InlineData(new[] { "silo", "--port", "11111" }, "silo needs --gateway")]
    [InlineData(new[] { "silo", "--port", "11111", "--gateway", "11111" }, "must differ")]
    [InlineData(new[] { "silo", "--port", "11111", "--gateway", "30000", "--primary", "nowhere" }, "option --primary: expected HOST:PORT")]
    [InlineData(new[] { "silo", "--port", "11111", "--gateway", "30000", "--host", "not-an-ip" }, "option --host")]
    public void SiloUsageErrorsNameTheOption(string[] args, string expected)
    {
        var (code, err) = Cli(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }
}
