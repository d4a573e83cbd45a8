using System.Globalization;
using Simulator.Cli.Fitting;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Storage.InteractionLogs;
using Xunit.Abstractions;

namespace Simulator.Tests.Cli.Fitting;

/// <summary>
/// Sessions and activity on logs with a known truth: bursts of engagements in one sitting must not
/// read as forgetting, and activity is the share of the log's days a user engages on.
/// </summary>
public sealed class FitSessionTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fit-sessions-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>
    /// Sittings of 3 to 10 engagements a minute apart on top of an exponential with a half-life of
    /// 3 days (200 users x 3 topics, 60 days). With the default session gap (chosen from the log)
    /// the gap likelihood gives the half-life within 25%; without sessions the minute-long gaps
    /// inside a sitting read as forgetting and the half-life comes out far too short, and the
    /// summary states that the curve falls within a fraction of one tick.
    /// </summary>
    [Fact]
    public void A_bursty_log_recovers_the_half_life_with_the_default_session_gap_and_not_without()
    {
        var truth = SyntheticLogs.ThreeDayExponential;
        var (csv, sittings) = SyntheticLogs.Bursty(truth, users: 200, days: 60);
        var read = Read(csv);

        var (sessioned, summary) = FitCommand.ApplySessions(read, 86400, null, CancellationToken.None);
        output.WriteLine($"sittings {sittings}, engagements {summary.Engagements}, merged {summary.Merged}, gap {summary.Gap * 24 * 60:F1} min: {summary.How}");
        Assert.InRange(summary.Gap * 86400, 90, 12 * 3600);
        Assert.StartsWith(InteractionLogReader.Duration(summary.Gap * 86400) + ", chosen from the log: ", summary.How, StringComparison.Ordinal);

        // Every sitting but its first engagement is merged (and the odd two sittings of a topic that overlap).
        Assert.InRange(summary.Merged, summary.Engagements - sittings, (summary.Engagements - sittings) * 1.01);
        var with = ForgettingFitter.FitFamily(GapLikelihood.Build(sessioned, new ParallelOptions(), summary.Gap), ForgettingCurve.Exponential);

        var (raw, none) = FitCommand.ApplySessions(read, 86400, 0, CancellationToken.None);
        Assert.Equal(0, none.Gap);
        Assert.Equal("none (--session-gap 0)", none.How);
        var without = ForgettingFitter.FitFamily(GapLikelihood.Build(raw, new ParallelOptions()), ForgettingCurve.Exponential);

        output.WriteLine($"half-life: {with.Shape.P1:F3} days with sessions, {without.Shape.P1:G3} days without (truth {truth.P1})");
        Assert.InRange(with.Shape.P1 / truth.P1, 0.75, 1.25);
        Assert.False(without.Shape.P1 / truth.P1 is >= 0.75 and <= 1.25, $"without sessions the half-life came out {without.Shape.P1}");

        var findings = FitCommand.Findings(Fit(without), read, none).ToArray();
        var finding = Assert.Single(findings);
        Assert.StartsWith("the fitted exponential curve falls halfway to its baseline within ", finding, StringComparison.Ordinal);
        Assert.Contains(" times shorter than one tick of a calibrated scenario (1 day): its simulated users would forget almost everything between two ticks. "
            + "On rating and play logs this usually means bursts (several engagements in one sitting) read as forgetting: pass --session-gap (e.g. 1h)", finding, StringComparison.Ordinal);
        Assert.Empty(FitCommand.Findings(Fit(with), read, summary));
    }

    /// <summary>
    /// A curve fitted below the session gap is stated as such: the log cannot show a curve that
    /// fast, with what to do (a shorter --session-gap).
    /// </summary>
    [Fact]
    public void A_curve_faster_than_the_session_gap_is_stated_plainly()
    {
        var read = Read("user,item,timestamp\nu1,a,1600000000\nu1,a,1600090000\n");
        var sessions = new FitCommand.SessionSummary(2, "2 days (--session-gap)", 0, 2);
        var fit = Fit(new FamilyFit(new CurveShape(ForgettingCurve.Exponential, 1.5, 0), 0.05, [], -10, 2));

        var finding = Assert.Single(FitCommand.Findings(fit, read, sessions));

        Assert.Equal(
            "the fitted exponential curve falls halfway to its baseline within 1.5 days, less than the session gap (2 days): engagements closer than the gap were merged into sessions, "
            + "so the log cannot show a curve this fast, and the fit sits where it cannot see. Read it as \"faster than the session gap\", not as an estimate; to look closer, pass a shorter --session-gap",
            finding);
    }

    /// <summary>A log of weekly returns has no burst mode: no sessions, and the summary says why.</summary>
    [Fact]
    public void A_log_without_bursts_gets_no_sessions_and_the_summary_says_why()
    {
        var lines = Enumerable.Range(0, 400).Select(k => string.Create(CultureInfo.InvariantCulture, $"u{k % 40},i{k},{SyntheticLogs.Epoch + (k / 40 * 7 * 86400) + (k % 40 * 3600)},g{k % 3}"));
        var read = Read("user,item,timestamp,category\n" + string.Join('\n', lines) + "\n");

        var (log, sessions) = FitCommand.ApplySessions(read, 86400, null, CancellationToken.None);

        Assert.Same(read.Log, log);
        Assert.Equal(0, sessions.Gap);
        Assert.StartsWith("none, chosen from the log:", sessions.How, StringComparison.Ordinal);
        var header = FitCommand.Header("log.csv", read, LogStatistics.Compute(log), sessions);
        Assert.Contains("  sessions: gap none, chosen from the log:", header, StringComparison.Ordinal);
    }

    /// <summary>
    /// 1,000 users each engaging on a day with probability 0.1 over 30 days (about 4% never engage
    /// and are not in the log; about 15% engage once or not at all): activity comes out 0.1 +- 0.02
    /// and the summary says what it measures. (The share of days between a user's own first and
    /// last engagement, the estimator before, counts a one-day user as active every day.)
    /// </summary>
    [Fact]
    public void A_log_with_known_activity_reports_it()
    {
        var read = Read(SyntheticLogs.KnownActivity(users: 1000, days: 30, activity: 0.1));
        var stats = LogStatistics.Compute(read.Log);

        output.WriteLine($"activity {stats.ActivityRate:F4} over {stats.Ticks} days, {stats.Users} users");
        Assert.InRange(stats.ActivityRate, 0.08, 0.12);
        var header = FitCommand.Header("log.csv", read, stats);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"activity: active in {stats.ActivityRate * 100:F1}% of days (mean over users of the share of the log's {stats.Ticks} days with an engagement)"), header, StringComparison.Ordinal);
    }

    private LogReadResult Read(string csv)
    {
        var path = Path.Combine(_dir, $"log-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        return InteractionLogReader.Read(path, new LogReadOptions());
    }

    private static ForgettingFit Fit(FamilyFit best) => new("gaps", [best], best, [], 0, best.Shape);
}
