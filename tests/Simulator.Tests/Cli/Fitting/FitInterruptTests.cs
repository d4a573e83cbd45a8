using System.Diagnostics;
using Simulator.Cli.Infrastructure;
using Xunit.Abstractions;

namespace Simulator.Tests.Cli.Fitting;

/// <summary>
/// `fit` as its own process, stopped by a signal while it fits: it exits 130 within about a
/// second, as `run` does, and leaves no scenario or report behind.
/// </summary>
public sealed class FitInterruptTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Seconds from the signal to the exit that count as prompt (the bar is a second or two; the rest is room for a loaded machine).</summary>
    private const double PromptSeconds = 3;

    private readonly string _dir = Directory.CreateTempSubdirectory("fit-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_fit_sent_a_signal_mid_way_exits_130_promptly_and_writes_nothing(string signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var log = Path.Combine(_dir, "bursty.csv");
        File.WriteAllText(log, SyntheticLogs.Bursty(SyntheticLogs.ThreeDayExponential, users: 12000, days: 60).Csv);
        var scenario = Path.Combine(_dir, "cal.json");
        var report = Path.Combine(_dir, "report");
        var start = Start("fit", log, "--out", scenario, "--report", report);
        using var process = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        var fitting = new ManualResetEventSlim();

        // stderr is read on a thread of its own: the thread pool, which delivers the process's
        // async output events, can be starved for seconds while other tests run beside this one,
        // and the fit would end before the signal.
        var reader = new Thread(() =>
        {
            while (process.StandardError.ReadLine() is { } line)
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }

                // Without a terminal the progress prints each stage when it ends: the exponential's
                // search on a subsample has ended, so its search on every user runs, with the other
                // families, the speeds and the time-scale check still to come.
                if (line.Contains("fitting exponential on 1 user in", StringComparison.Ordinal))
                {
                    fitting.Set();
                }
            }
        })
        { IsBackground = true };
        reader.Start();
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();

        Assert.True(fitting.Wait(TimeSpan.FromMinutes(3)) || process.HasExited, "fit never reached the fitting stage");
        if (process.HasExited)
        {
            reader.Join();
            Assert.Fail($"fit ended before the signal; make the log larger\n{stderr}");
        }

        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        var exited = process.WaitForExit(TimeSpan.FromSeconds(30));
        var seconds = clock.Elapsed.TotalSeconds;
        process.WaitForExit();
        reader.Join();
        output.WriteLine($"SIG{signal}: exited after {seconds:F2} s with code {(exited ? process.ExitCode : -1)}\n{stderr}");
        Assert.True(exited, "fit did not exit within 30 s of the signal");
        Assert.Equal(ExitCodes.Interrupted, process.ExitCode);
        Assert.True(seconds < PromptSeconds, $"fit took {seconds:F2} s to stop");
        Assert.Contains("interrupted: fit stopped; no scenario or report was written", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(scenario));
        Assert.False(Directory.Exists(report));
    }

    /// <summary>The simulator executable beside the tests (its apphost, or the dll through dotnet).</summary>
    private static ProcessStartInfo Start(params string[] args)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "simulator");
        var start = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "simulator.dll") } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        return start;
    }
}
