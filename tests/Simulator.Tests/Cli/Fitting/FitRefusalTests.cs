using System.Globalization;
using System.Text;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Randomness;
using Simulator.Tests.Support;
using Xunit.Abstractions;

namespace Simulator.Tests.Cli.Fitting;

/// <summary>`fit` refuses to write what the log does not identify: exit 3, the reason, and no scenario or report unless --force.</summary>
public sealed class FitRefusalTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fit-refusal-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Every user engaged once: no re-engagement gap exists, so there is nothing to fit.</summary>
    [Fact]
    public void A_log_where_no_user_re_engages_exits_3_and_writes_nothing()
    {
        var text = new StringBuilder("user,item,timestamp,category\n");
        for (var u = 0; u < 60; u++)
        {
            text.Append(CultureInfo.InvariantCulture, $"u{u},i{u % 7},{SyntheticLogs.Epoch + (u * 20_000)},g{u % 4}\n");
        }

        var log = Write("once.csv", text.ToString());
        var scenario = Path.Combine(_dir, "cal.json");
        var report = Path.Combine(_dir, "report");

        var (code, stdout, stderr) = CliHarness.Run("fit", log, "--out", scenario, "--report", report);

        output.WriteLine(stdout + stderr);
        Assert.Equal(ExitCodes.NotIdentified, code);
        Assert.Equal(3, ExitCodes.NotIdentified);
        Assert.Contains("  WARNING: the log does not identify the forgetting curve: no user engaged with a topic twice, so there is no re-engagement gap to fit", stdout, StringComparison.Ordinal);
        Assert.Contains("\nnot identified: no user engaged with a topic twice, so there is no re-engagement gap to fit; no scenario or report was written", stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  check: users with fewer than two engagements: 60 (100%; warning above 50%)", stdout, StringComparison.Ordinal);
        Assert.Contains("  WARNING: 100% of users have fewer than two engagements (above 50%): they say nothing about forgetting (0 user(s) have two or more)", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(scenario));
        Assert.False(Directory.Exists(report));
        Assert.DoesNotContain("<- best", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Users re-engage at a constant rate whatever the time since their last engagement: the
    /// time-scale check finds curves 2x faster and slower fit as well, so fit exits 3 and writes
    /// nothing; with --force it writes both, and the scenario's description carries the WARNING.
    /// </summary>
    [Fact]
    public void A_log_that_does_not_identify_the_curve_exits_3_unless_forced()
    {
        var text = new StringBuilder("user,item,timestamp,category\n");
        var rows = new List<(long At, string Line)>();
        for (var g = 0; g < 240; g++)
        {
            var t = 0.0;
            for (uint k = 0; ; k++)
            {
                t += -Math.Log(KeyedRandom.Uniform(5, 80, (uint)g, k, 0)) / 0.5;
                if (t >= 100)
                {
                    break;
                }

                var at = SyntheticLogs.Epoch + (long)(t * 86400);
                rows.Add((at, string.Create(CultureInfo.InvariantCulture, $"u{g / 3},i{k},{at},g{g % 3}")));
            }
        }

        foreach (var (_, line) in rows.OrderBy(r => r.At))
        {
            text.Append(line).Append('\n');
        }

        var log = Write("flat.csv", text.ToString());
        var scenario = Path.Combine(_dir, "cal.json");
        var report = Path.Combine(_dir, "report");

        var (code, stdout, stderr) = CliHarness.Run("fit", log, "--curves", "exponential", "--out", scenario, "--report", report);

        output.WriteLine(stdout + stderr);
        Assert.Equal(ExitCodes.NotIdentified, code);
        Assert.Contains("  WARNING: the log does not identify the forgetting curve: a curve 2x ", stdout, StringComparison.Ordinal);
        Assert.EndsWith("\nnot identified: the log does not pin down the forgetting curve (see the WARNING above); no scenario or report was written (--force writes them anyway, with the WARNING)\n", stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.False(File.Exists(scenario));
        Assert.False(Directory.Exists(report));

        (code, stdout, stderr) = CliHarness.Run("fit", log, "--curves", "exponential", "--out", scenario, "--report", report, "--force");

        Assert.True(code == 0, stderr);
        Assert.Contains("WARNING: the log does not identify the forgetting curve (written under --force); see fit-summary.txt", File.ReadAllText(scenario), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(report, "fit_curves.png")));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
