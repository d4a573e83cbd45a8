using System.Globalization;
using System.Text;
using Simulator.Cli.Commands;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Scenarios;
using Simulator.Core.Statistics;
using Simulator.Reporting.Figures;
using Simulator.Storage.Export;
using Simulator.Storage.InteractionLogs;

namespace Simulator.Cli.Fitting;

/// <summary>`simulator fit`: estimates forgetting from an interaction log and writes a calibrated scenario.</summary>
public static class FitCommand
{
    public const string Help = """
        simulator fit <log> [options] [--out scenario.json] [--report dir]

        Estimates how the users of an interaction log forget: re-engagement gaps per topic,
        exponential, sigmoid and power-law forgetting curves by maximum likelihood (the best by
        AIC), one speed factor per user, activity and drift. Prints a summary; --report writes
        plots of fitted vs observed curves; --out writes a scenario whose population behaves
        like the log. The log is streamed; millions of rows are fine.

        Exports (impressions) are fitted with the simulator's response model: a slate choice
        with a no-click option, strength b + (peak - b) R(dt) replayed with the reinforcement
        rule; estimated: curve, baseline b, reinforcement eta, an item-quality coefficient (when
        items.csv has quality; the summary says when it is absent), per-history amplitudes
        integrated out; the spread of speeds by maximum marginal likelihood (each user's speed
        integrated out). The family with the fewest parameters within 2 AIC of the lowest is
        chosen. Round trip on 300 users x 60 ticks (families right for all three): exponential
        half-life -0.1%, sigmoid midpoint -9%; power law: exponent not identifiable, strength 3
        ticks after a click -22%; spread of speeds 0.50 / 0.37 / 0.43 for true 0.5 / 0.5 / 0.3;
        per-user Spearman 0.45 / 0.55 / 0.22; calibrated re-run gap KS D 0.026 vs 5% critical
        0.033. On fast-forgetting.json (widely spread speeds, 16 topics) a sigmoid without a
        plateau (midpoint below width) beats the true exponential by 13 to 33 AIC; the summary
        prints a caution for such a sigmoid: pass --curves when the family is known. Interest
        drift reads as faster forgetting (quickstart.json's abrupt drift: midpoint -38%); above a
        drift indicator of 0.05 the summary says so.
        A time-scale check re-fits everything with the curve 2x faster and 2x slower; when
        either fits within 1.92 log-likelihood units the summary prints a WARNING that the log
        does not identify the curve (targeted slates: an mlp-forgetting export gave half-life
        13,712 and drops of 0.01; random slates give drops of 16 to 130).

        Sessions (timestamped logs): engagements of a user closer together than the session gap
        are one sitting (five films rated in ten minutes say nothing about forgetting), and each
        sitting counts once per topic, at its first engagement with it; re-engagement is at risk
        from the gap on. By default the gap is chosen from the log: a two-component mixture on the
        log of the gaps between a user's consecutive engagements; when it finds a burst mode (at
        least 5% of gaps, 30x shorter than the rest, a valley between) the gap is where bursts and
        returns are equally likely, else there are no sessions. The summary says which, and how
        many rows were merged. A fitted curve that halves within one tick, or within the session
        gap, is stated as a FINDING with what to do.

        Checks before fitting (the summary lists each with its threshold): timestamps far outside
        the rest (beyond 3x the span of the middle 98%: an error naming the line, e.g. a line cut
        in its timestamp), time going backwards within users, rows repeating user, item and time
        (warning above 1%), users' consecutive engagements sharing a timestamp (above 20%), the
        rating scale seen against --min-rating (warning when it sits in the lower half of a scale
        wider than 1-5), users with fewer than two engagements (warning above 50%).

        Nothing is written when the log does not identify the curve: no re-engagement at all, or
        a time-scale check (below) inside its 95% interval. fit then exits 3 with the reason;
        --force writes the scenario and report anyway, the WARNING in the scenario's description.
        Every clamp or cap applied to the calibrated scenario (ticks, topics, users, curve
        parameters, heterogeneity, baseline, activity; items without a genre pooled as "unknown")
        is printed and ends the scenario's description.

        Logs recognised from their first line (or name one with --format):
          csv, tsv         header row; columns user, item, timestamp [, topic, rating, dwell]
                           (common names tried; set them with --user-col, --item-col, --time-col,
                           --topic-col, --rating-col, --dwell-col). Without a topic, the item is the topic.
          movielens        ratings.dat (user::item::rating::timestamp); genres from movies.dat beside it
          movielens-100k   u.data (user, item, rating, timestamp; tabs); genres from u.item beside it
          lastfm           user, ISO time, artist id, artist, track id, track (tabs); artist = topic
          export           a simulator run's export: a folder (or its interactions.csv) with
                           items.csv beside; rows are impressions, clicked rows are engagements

        Options:
          --format F          auto (default), csv, tsv, movielens, movielens-100k, lastfm, export
          --delimiter C       field separator of a csv/tsv (default: tab if the header has one, else comma)
          --time-format F     auto (default: numbers > 1e11 are ms, other numbers s, else ISO-8601),
                              seconds, ms, iso
          --unit U            time unit of fitted parameters for timestamped logs: seconds, minutes,
                              hours, days (default), weeks. Exports are fitted in ticks.
          --min-rating X      rows rated below X are not engagements (e.g. 4 for "liked")
          --min-dwell X       rows with dwell below X are not engagements
          --artist-as A       lastfm: topic (default; tracks are items) or item
          --skip-bad N        skip up to N bad lines (counted in the summary) instead of failing
          --session-gap D     auto (default: chosen from the log, above), 0 (no sessions), or a
                              duration: 90s, 30min, 1h, 2d, 1w. Timestamped logs only
          --likelihood L      auto (default: impressions for exports, gaps otherwise), impressions, gaps
          --curves LIST       families to fit, comma-separated (default exponential,sigmoid,power-law)
          --out FILE          write the calibrated scenario (validates against scenarios/schema.json)
          --template FILE     scenario supplying what a log cannot tell (catalog, choice, strategies);
                              its segments are kept with forgettingSpeed and activity set to 1
          --max-users N       cap the calibrated population (default 20000)
          --report DIR        write fit_curves.png/.svg, fit-summary.txt, user_speeds.csv, topic_gaps.csv
          --force             write the scenario and report even when the curve is not identified
          --threads N         CPU worker threads of the fit (default: all cores); the fit is the same for any N
          --quiet             no progress on stderr (on a terminal one line is redrawn: rows read, the
                              family being fitted with its likelihood evaluations, on logs of 1,000
                              users or more first on a subsample of users, then on all of them from
                              the subsample's optimum; otherwise one line per finished stage with
                              its time)

        fit_curves.png: observed rate by time since the last engagement with the topic, on a log
        axis spanning the gaps seen (re-engagement hazard, or click rate for exports), with 95%
        intervals, each family's fitted rate, the session gap and one tick marked.

        Exit codes: 0 written; 2 invalid input (bad option, bad line with file:line, a
        timestamp far outside the log); 3 the log does not identify the curve, nothing written
        (--force overrides); 130 interrupted (Ctrl-C or SIGTERM, within about a second), nothing
        written.

        Examples:
          simulator fit ratings.dat --min-rating 4 --out scenarios/movielens.json --report results/fit-ml
          simulator fit listening.tsv --format lastfm --unit hours --skip-bad 100
          simulator fit results/quickstart/20260101-120000 --out calibrated.json
        """;

    private static readonly IReadOnlyDictionary<string, double> Units = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["seconds"] = 1,
        ["minutes"] = 60,
        ["hours"] = 3600,
        ["days"] = 86400,
        ["weeks"] = 604800,
    };

    /// <summary>Suffixes of a --session-gap duration and their seconds.</summary>
    private static readonly IReadOnlyDictionary<string, double> DurationUnits = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["s"] = 1,
        ["sec"] = 1,
        ["min"] = 60,
        ["h"] = 3600,
        ["d"] = 86400,
        ["w"] = 604800,
    };

    private const string DefaultTemplate = """
        { "name": "calibrated", "seeds": 3, "strategies": ["random", "popularity", "ema", "oracle"] }
        """;

    /// <summary>What fit was asked to do, besides how to read the log.</summary>
    private sealed record Settings(
        string Likelihood, IReadOnlyList<ForgettingCurve> Curves, string? OutPath, string? TemplatePath, string? ReportDir, int MaxUsers, double? SessionGapSeconds, bool Force, bool Quiet);

    /// <summary>The sessions applied before fitting: the gap in the fit's unit (0: none), how it was chosen and what it merged.</summary>
    public sealed record SessionSummary(double Gap, string How, int Merged, int Engagements);

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        try
        {
            return Run(args, stdout, stderr, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            stderr.WriteLine("interrupted: fit stopped; no scenario or report was written");
            return ExitCodes.Interrupted;
        }
    }

    private static int Run(ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var options = ReadOptions(args, out var settings);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = HostMachine.Threads(args.Int("threads", 1, 1024)), CancellationToken = cancel };
        args.Finish(1);
        if (args.Positionals.Count == 0)
        {
            throw new UsageException("fit needs a log file or an export folder; see simulator fit --help");
        }

        var path = args.Positionals[0];
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new UsageException($"no such file or folder: {path}");
        }

        var template = settings.TemplatePath is null ? ScenarioParser.Parse(DefaultTemplate, "calibrated") : LoadTemplate(settings.TemplatePath);
        var progress = new FitProgressPrinter(stderr, settings.Quiet, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
        LogReadResult read;
        try
        {
            read = Directory.Exists(path) ? ExportReader.Read(path, options, progress, cancel) : InteractionLogReader.Read(path, options, progress, cancel);
        }
        catch (LogLineException e)
        {
            throw new UsageException(e.Message);
        }

        progress.Read(read.Lines);
        var (log, sessions) = ApplySessions(read, options.UnitSeconds, settings.SessionGapSeconds, cancel);
        var stats = LogStatistics.Compute(log, read.TickLength, cancel);
        var useImpressions = settings.Likelihood switch
        {
            "impressions" => log.HasImpressions ? true : throw new UsageException("--likelihood impressions needs an impression log (a simulator export)"),
            "gaps" => false,
            _ => log.HasImpressions,
        };
        progress.Stage("building the likelihood");
        ForgettingLikelihood likelihood = useImpressions ? ImpressionLikelihood.Build(log, parallel) : GapLikelihood.Build(log, parallel, sessions.Gap);
        var events = Enumerable.Range(0, likelihood.Users).Sum(likelihood.EventsOfUser);
        if (events == 0 || likelihood.Groups == 0)
        {
            var reason = useImpressions
                ? "no impression in the log was clicked, so nothing shows how interest fades"
                : $"no user engaged with a topic twice{(sessions.Gap > 0 ? " (after sessions)" : string.Empty)}, so there is no re-engagement gap to fit";
            if (!settings.Force || likelihood.Groups == 0)
            {
                stdout.Write(Header(path, read, stats, sessions));
                stdout.WriteLine($"  WARNING: the log does not identify the forgetting curve: {reason}");
                stderr.WriteLine($"not identified: {reason}; no scenario or report was written{(likelihood.Groups == 0 ? string.Empty : " (--force writes them anyway)")}");
                return ExitCodes.NotIdentified;
            }
        }

        var fit = ForgettingFitter.Fit(likelihood, settings.Curves, progress);
        progress.Done();
        var identified = events > 0 && (fit.TimeScale?.Identified ?? true);
        Calibration? calibration = null;
        string? name = null;
        if (settings.OutPath is not null && (identified || settings.Force))
        {
            name = new string(Path.GetFileNameWithoutExtension(settings.OutPath).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
            calibration = ScenarioCalibration.Build(template, fit, stats, new CalibrationOptions(name.Length > 0 ? name : "calibrated", read.TickLength, settings.MaxUsers, UnitName: read.UnitName)
            {
                Notes = read.Adjustments,
                Warning = identified ? null : "the log does not identify the forgetting curve (written under --force); see fit-summary.txt",
            });
        }

        var summary = Summary(path, read, stats, fit, likelihood, sessions, calibration);
        stdout.Write(summary);
        if (!identified && !settings.Force)
        {
            stderr.WriteLine("not identified: the log does not pin down the forgetting curve (see the WARNING above); no scenario or report was written (--force writes them anyway, with the WARNING)");
            return ExitCodes.NotIdentified;
        }

        // Everything is computed before anything is written, and an interrupt before this point
        // leaves nothing behind.
        var report = settings.ReportDir is null ? null : ReportFiles(path, read, stats, fit, likelihood, sessions, summary);
        var scenarioJson = calibration is null ? null : ScenarioWriter.ToJson(calibration.Scenario);
        cancel.ThrowIfCancellationRequested();
        if (report is not null)
        {
            Directory.CreateDirectory(settings.ReportDir!);
            foreach (var (file, bytes) in report)
            {
                File.WriteAllBytes(Path.Combine(settings.ReportDir!, file), bytes);
            }

            stdout.WriteLine($"report: {settings.ReportDir}");
        }

        if (calibration is not null)
        {
            var scenario = calibration.Scenario;
            var folder = Path.GetDirectoryName(Path.GetFullPath(settings.OutPath!));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(settings.OutPath!, scenarioJson);
            var names = ScenarioCalibration.ParameterNames(scenario.Forgetting.Curve);
            stdout.WriteLine($"calibrated scenario: {settings.OutPath} ({scenario.Population.Users} users, {scenario.Dim} topics, {scenario.Ticks} ticks, "
                + $"{Curve(scenario.Forgetting.Curve)} {names.P1}={F(scenario.Forgetting.Parameter1)}{(scenario.Forgetting.Curve == ForgettingCurve.Exponential ? string.Empty : $" {names.P2}={F(scenario.Forgetting.Parameter2)}")}, "
                + $"heterogeneity {F(scenario.Forgetting.Heterogeneity)}, activity {F(scenario.Population.Activity)})");
            if (ScenarioCalibration.ResetsSegments(template))
            {
                stdout.WriteLine("  the template's segments keep their mix, drift rate and concentration; their forgettingSpeed and activity are set to 1, as the fitted spread of speeds and the activity already describe the whole population");
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Sessions on an engagement log: the gap from --session-gap or chosen from the log
    /// (<see cref="Sessions.ChooseGap"/>), then each session collapsed to one engagement per topic.
    /// </summary>
    internal static (InteractionLog Log, SessionSummary Sessions) ApplySessions(LogReadResult read, double unitSeconds, double? gapSeconds, CancellationToken cancel)
    {
        var log = read.Log;
        var engagements = 0;
        foreach (var c in log.Clicked)
        {
            engagements += c ? 1 : 0;
        }

        if (log.HasImpressions)
        {
            if (gapSeconds is > 0)
            {
                throw new UsageException("--session-gap applies to timestamped engagement logs; an export has one slate per tick and no sessions");
            }

            return (log, new SessionSummary(0, "none (an export: one slate per tick)", 0, engagements));
        }

        double gap;
        string how;
        if (gapSeconds is { } given)
        {
            gap = given / unitSeconds;
            how = given > 0 ? $"{InteractionLogReader.Duration(given)} (--session-gap)" : "none (--session-gap 0)";
        }
        else
        {
            var choice = Sessions.ChooseGap(log, cancel);
            gap = choice.Gap;
            var d = (double x) => InteractionLogReader.Duration(x * unitSeconds);
            how = choice.Outcome switch
            {
                SessionGapOutcome.Chosen => $"{d(gap)}, chosen from the log: {P(choice.ShortWeight)} of the {choice.Gaps} gaps between a user's consecutive engagements form a burst mode (median {d(choice.ShortMedian)}, against {d(choice.LongMedian)} for the rest; a two-component mixture on log gap), and the gap is where bursts and returns are equally likely",
                SessionGapOutcome.TooFewGaps => $"none, chosen from the log: fewer than {Sessions.MinGaps} gaps between a user's consecutive engagements",
                SessionGapOutcome.NoBurstMode => $"none, chosen from the log: no burst mode in the gaps between a user's consecutive engagements (a two-component mixture on log gap puts {P(choice.ShortWeight)} of them around {d(choice.ShortMedian)} and the rest around {d(choice.LongMedian)}; bursts need at least {P(Sessions.MinShortWeight)} and {F(Sessions.MinSeparation)}x apart)",
                SessionGapOutcome.NoValley => $"none, chosen from the log: short and long gaps between a user's consecutive engagements (medians {d(choice.ShortMedian)} and {d(choice.LongMedian)}) have no valley between them",
                _ => "none",
            };
        }

        if (gap <= 0)
        {
            return (log, new SessionSummary(0, how, 0, engagements));
        }

        var collapsed = Sessions.Collapse(log, gap, out var merged, cancel);
        return (collapsed, new SessionSummary(gap, how, merged, engagements));
    }

    private static LogReadOptions ReadOptions(ArgumentReader args, out Settings settings)
    {
        var formatName = args.Choice("format", "auto", [.. LogFormatDetector.Names.Keys]);
        var delimiter = args.String("delimiter");
        if (delimiter is not null && delimiter != "\\t" && delimiter.Length != 1)
        {
            throw new UsageException($"option --delimiter: expected one character (or \\t), found \"{delimiter}\"");
        }

        var timeFormat = args.Choice("time-format", "auto", ["auto", "seconds", "ms", "iso"]) switch
        {
            "seconds" => TimestampFormat.Seconds,
            "ms" => TimestampFormat.Milliseconds,
            "iso" => TimestampFormat.Iso,
            _ => TimestampFormat.Auto,
        };
        var unit = args.Choice("unit", "days", [.. Units.Keys]);
        var artist = args.Choice("artist-as", "topic", ["topic", "item"]);
        var likelihood = args.Choice("likelihood", "auto", ["auto", "impressions", "gaps"]);
        var curveText = args.String("curves") ?? "exponential,sigmoid,power-law";
        var curves = curveText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c =>
            ScenarioParser.Curves.TryGetValue(c, out var curve)
                ? curve
                : throw new UsageException($"option --curves: unknown curve \"{c}\"; expected {string.Join(", ", ScenarioParser.Curves.Keys)}")).Distinct().ToArray();
        if (curves.Length == 0)
        {
            throw new UsageException("option --curves: name at least one curve");
        }

        settings = new Settings(
            likelihood,
            curves,
            args.String("out"),
            args.String("template"),
            args.String("report"),
            args.Int("max-users", 1, ScenarioParser.MaxUsers) ?? 20_000,
            SessionGap(args.String("session-gap")),
            args.Flag("force"),
            args.Flag("quiet"));
        return new LogReadOptions
        {
            Format = LogFormatDetector.Names[formatName],
            Delimiter = delimiter is null ? (formatName == "tsv" ? '\t' : null) : delimiter == "\\t" ? '\t' : delimiter[0],
            UserColumn = args.String("user-col"),
            ItemColumn = args.String("item-col"),
            TimeColumn = args.String("time-col"),
            TopicColumn = args.String("topic-col"),
            RatingColumn = args.String("rating-col"),
            DwellColumn = args.String("dwell-col"),
            MinRating = Double(args, "min-rating"),
            MinDwell = Double(args, "min-dwell"),
            TimeFormat = timeFormat,
            UnitSeconds = Units[unit],
            SkipBad = args.Int("skip-bad", 0, int.MaxValue) ?? 0,
            ArtistAsItem = artist == "item",
        };
    }

    /// <summary>--session-gap: null for auto (chosen from the log), else seconds (0: no sessions).</summary>
    private static double? SessionGap(string? text)
    {
        if (text is null || text == "auto")
        {
            return null;
        }

        if (text is "0" or "none" or "off")
        {
            return 0;
        }

        var split = 0;
        while (split < text.Length && (char.IsAsciiDigit(text[split]) || text[split] == '.'))
        {
            split++;
        }

        if (split > 0 && double.TryParse(text[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            && DurationUnits.TryGetValue(text[split..].Trim(), out var seconds))
        {
            return value * seconds;
        }

        throw new UsageException($"option --session-gap: expected auto, 0, or a duration such as 90s, 30min, 1h, 2d, 1w; found \"{text}\"");
    }

    private static double? Double(ArgumentReader args, string name)
    {
        var text = args.String(name);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"option --{name}: expected a number, found \"{text}\"");
    }

    private static Scenario LoadTemplate(string path)
    {
        try
        {
            return ScenarioFiles.Load(path);
        }
        catch (ScenarioException e)
        {
            throw new UsageException(ScenarioFiles.Format(path, e));
        }
    }

    /// <summary>Why an impression log usually leaves the curve unidentified, for the time-scale WARNING.</summary>
    private const string ImpressionCause = "Usual cause: what was shown depended on what was clicked (targeted slates), so nearly every impression is of a recently clicked topic; fit a log with random or exploratory slates";

    /// <summary>Why an engagement-only log usually leaves the curve unidentified, for the time-scale WARNING.</summary>
    private const string GapCause = "Usual cause: how soon users come back to a topic does not depend on how long ago they last engaged with it (no forgetting in the log, or engagements driven by what was shown), or the log is too short for the curve's time scale";

    /// <summary>The summary's lines about the log: reading, checks, sessions, activity, drift and gaps.</summary>
    public static string Header(string path, LogReadResult read, LogStatistics stats, SessionSummary? sessions = null)
    {
        var unit = read.UnitName;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"fit: {path} ({FormatName(read.Format)})");
        s.AppendLine(CultureInfo.InvariantCulture, $"  lines {read.Lines}, skipped bad lines {read.Skipped}{(read.FirstSkipped is null ? string.Empty : $" (first: {read.FirstSkipped})")}");
        foreach (var note in read.Notes.Concat(read.Adjustments))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  note: {note}");
        }

        foreach (var check in read.Checks)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  check: {check}");
        }

        foreach (var warning in read.Warnings)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  WARNING: {warning}");
        }

        if (sessions is not null && !read.Log.HasImpressions)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  sessions: gap {sessions.How}");
            if (sessions.Gap > 0)
            {
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"    {sessions.Merged} of {sessions.Engagements} engagements ({P(sessions.Engagements > 0 ? sessions.Merged / (double)sessions.Engagements : 0)}) merged: each session counts once per topic, at its first engagement with it; re-engagement is at risk from the gap on");
            }
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"  users {stats.Users}, histories {stats.Histories}, topics {stats.Topics} (from {read.TopicSource}), rows {stats.Rows}, engagements {stats.Engagements}");
        var sparse = stats.Users > 0 ? stats.UsersWithFewerThanTwoEngagements / (double)stats.Users : 0;
        s.AppendLine(CultureInfo.InvariantCulture, $"  check: users with fewer than two engagements{(sessions is { Gap: > 0 } ? " (after sessions)" : string.Empty)}: {stats.UsersWithFewerThanTwoEngagements} ({P(sparse)}; warning above {P(LogStatistics.SparseUsersWarning)})");
        if (sparse > LogStatistics.SparseUsersWarning)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  WARNING: {P(sparse)} of users have fewer than two engagements (above {P(LogStatistics.SparseUsersWarning)}): they say nothing about forgetting ({stats.Users - stats.UsersWithFewerThanTwoEngagements} user(s) have two or more)");
        }

        var what = read.Log.HasImpressions ? "a shown slate" : "an engagement";
        s.AppendLine(CultureInfo.InvariantCulture,
            $"  duration {F(stats.Duration)} {unit}; activity: active in {P(stats.ActivityRate, 1)} of {Singular(unit)}s (mean over {(read.Log.HasImpressions ? "histories" : "users")} of the share of the log's {stats.Ticks} {Singular(unit)}s with {what}), {Small(stats.EngagementsPerUserPerUnit)} engagements per user per {Singular(unit)}");
        s.AppendLine(stats.DriftUsers > 0
            ? string.Create(CultureInfo.InvariantCulture, $"  drift: topic divergence between halves {F(stats.DriftHalves)} bits vs {F(stats.DriftBaseline)} between interleaved halves (indicator {F(stats.DriftIndicator)}, {stats.DriftUsers} users with >= {LogStatistics.MinDriftEngagements} engagements)")
            : string.Create(CultureInfo.InvariantCulture, $"  drift: not measured (no user has >= {LogStatistics.MinDriftEngagements} engagements)"));
        s.AppendLine(stats.Gaps.Length > 0
            ? string.Create(CultureInfo.InvariantCulture, $"  re-engagement gaps: {stats.Gaps.Length}, median {Small(Quantiles.OfSorted(stats.Gaps, 0.5))} {unit}, 90th percentile {Small(Quantiles.OfSorted(stats.Gaps, 0.9))} {unit}")
            : "  re-engagement gaps: none (no user engaged with a topic twice)");
        foreach (var topic in stats.TopicGaps.OrderByDescending(t => t.Count).ThenBy(t => t.Topic).Take(8))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"    {Name(read.Topics, topic.Topic),-24} gaps {topic.Count,7}  median {Small(topic.Median),8}  p90 {Small(topic.Percentile90),8}  mean {Small(topic.Mean),8}");
        }

        return s.ToString();
    }

    /// <summary>The printed summary (also fit-summary.txt in the report).</summary>
    public static string Summary(string path, LogReadResult read, LogStatistics stats, ForgettingFit fit, ForgettingLikelihood? likelihood = null, SessionSummary? sessions = null, Calibration? calibration = null)
    {
        var unit = read.UnitName;
        var s = new StringBuilder(Header(path, read, stats, sessions));
        s.AppendLine(CultureInfo.InvariantCulture, $"  likelihood: {fit.LikelihoodKind}");
        if (likelihood is ImpressionLikelihood impressions)
        {
            s.AppendLine(impressions.HasQualityTerm
                ? string.Create(CultureInfo.InvariantCulture, $"    item quality: fitted, coefficient {F(impressions.QualityCoefficientOf(fit.Best.Extra))} per unit of quality (logit scale)")
                : "    item quality: absent (the log has no item quality); quality differences remain as noise");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"    {"family",-12} {"parameters (" + unit + ")",-34} {"baseline",9} {"log-likelihood",17} {"AIC",12}");
        foreach (var f in fit.Families)
        {
            var mark = ReferenceEquals(f, fit.Best) ? "  <- best" : string.Empty;
            s.AppendLine(CultureInfo.InvariantCulture, $"    {Curve(f.Shape.Curve),-12} {Parameters(f.Shape),-34} {(double.IsNaN(f.Baseline) ? "-" : F(f.Baseline)),9} {F(f.LogLikelihood),17} {F(f.Aic),12}{mark}");
        }

        var lowestAic = fit.Families.MinBy(f => f.Aic)!;
        if (!ReferenceEquals(lowestAic, fit.Best))
        {
            s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"    {Curve(fit.Best.Shape.Curve)} chosen: within {F(ForgettingFitter.AicEquivalence)} AIC of {Curve(lowestAic.Shape.Curve)} ({F(fit.Best.Aic - lowestAic.Aic)}) with fewer parameters"));
        }

        if (fit.Best.IsSigmoidWithoutPlateau && fit.Families.FirstOrDefault(f => f.Shape.Curve == ForgettingCurve.Exponential) is { } exponential)
        {
            s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  caution: the sigmoid has no plateau (midpoint {F(fit.Best.Shape.P1)} < width {F(fit.Best.Shape.P2)} {unit}); it is an exponential-like decay whose rate rises over the first {unit}, and its AIC lead ({F(exponential.Aic - fit.Best.Aic)}) can come from what the likelihood leaves out (the spread of user speeds; in impression logs also the shape of the amplitude prior) rather than from the curve: on exports with exponential truth and a wide spread of speeds the sigmoid wins this way (docs/fit-diagnosis.md). If the family is known, pass --curves"));
        }

        if (stats.DriftLikelyBiasesTheCurve)
        {
            s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  caution: drift indicator {F(stats.DriftIndicator)} bits (above {F(LogStatistics.DriftCaution)}): the users' topic mix changed during the log. The fit holds each user's interest in a topic fixed, so drift reads as faster forgetting: on quickstart.json exports (true median midpoint 10) the midpoint came out 12% short without drift and 21-38% short at indicators 0.054-0.137. Read the curve as faster than the truth"));
        }

        if (fit.TimeScale is { } check)
        {
            s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  time-scale check: the {Curve(fit.Best.Shape.Curve)} curve {F(check.Factor)}x faster loses {F(check.DropFaster)} log-likelihood units, {F(check.Factor)}x slower {F(check.DropSlower)} (other parameters re-fitted; under {F(TimeScaleCheck.Threshold)} = inside the 95% interval)"));
            if (!check.Identified)
            {
                s.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"  WARNING: the log does not identify the forgetting curve: a curve {F(check.Factor)}x {(check.DropFaster < TimeScaleCheck.Threshold ? "faster" : "slower")} fits as well, so the parameters below (and a calibrated scenario) are not supported by the data. {(likelihood is ImpressionLikelihood or null ? ImpressionCause : GapCause)}"));
            }
        }

        foreach (var finding in Findings(fit, read, sessions))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  FINDING: {finding}");
        }

        var names = ScenarioCalibration.ParameterNames(fit.Best.Shape.Curve);
        var speeds = fit.Users.Select(u => fit.Best.Shape.P1 * Math.Exp(u.LogFactor)).Order().ToArray();
        s.AppendLine(CultureInfo.InvariantCulture, $"  per user ({fit.Users.Count} with >= {ForgettingFitter.MinUserEvents} engagements): {names.P1} quartiles {Small(Quantiles.OfSorted(speeds, 0.25))} / {Small(Quantiles.OfSorted(speeds, 0.5))} / {Small(Quantiles.OfSorted(speeds, 0.75))} {unit}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  population: {Curve(fit.MedianUserCurve.Curve)} median user {Parameters(fit.MedianUserCurve)} ({unit}), heterogeneity (log-sd of speed) {F(fit.Heterogeneity)}");
        if (calibration is not null)
        {
            foreach (var adjustment in calibration.Adjustments)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"  calibrated scenario adjusted: {adjustment}");
            }
        }

        return s.ToString();
    }

    /// <summary>
    /// Plain statements about the fitted time scale: below one tick of a calibrated scenario
    /// (simulated users would forget everything between ticks) or below the session gap (the log
    /// cannot show a curve that fast: engagements that close were merged), with what to do.
    /// </summary>
    public static IEnumerable<string> Findings(ForgettingFit fit, LogReadResult read, SessionSummary? sessions)
    {
        var unit = read.UnitName;
        var half = fit.MedianUserCurve.HalfTime();
        var tick = read.TickLength;
        var halfText = $"the fitted {Curve(fit.MedianUserCurve.Curve)} curve falls halfway to its baseline within {Small(half)} {unit}";
        if (sessions is { Gap: > 0 } && half < sessions.Gap)
        {
            yield return $"{halfText}, less than the session gap ({Small(sessions.Gap)} {unit}): engagements closer than the gap were merged into sessions, so the log cannot show a curve this fast, and the fit sits where it cannot see. Read it as \"faster than the session gap\", not as an estimate; to look closer, pass a shorter --session-gap";
        }

        if (half < tick)
        {
            var times = tick / Math.Max(half, 1e-300);
            var advice = read.Log.HasImpressions
                ? "users in the log forget within a tick, so the export cannot tell how fast"
                : sessions is { Gap: > 0 }
                    ? $"if forgetting within a {Singular(unit)} is what you study, fit in a finer --unit (hours, minutes); otherwise engagements in bursts may still read as forgetting: try a longer --session-gap (now {Small(sessions.Gap)} {unit})"
                    : "on rating and play logs this usually means bursts (several engagements in one sitting) read as forgetting: pass --session-gap (e.g. 1h) so a sitting counts once; if forgetting within minutes is what you study, fit in a finer --unit";
            yield return $"{halfText}, {F(times)} times shorter than one tick of a calibrated scenario (1 {Singular(unit)}): its simulated users would forget almost everything between two ticks. {char.ToUpperInvariant(advice[0])}{advice[1..]}";
        }
    }

    /// <summary>The report's files, in memory: figure (png, svg), fit-summary.txt, user_speeds.csv, topic_gaps.csv.</summary>
    private static List<(string File, byte[] Bytes)> ReportFiles(string path, LogReadResult read, LogStatistics stats, ForgettingFit fit, ForgettingLikelihood likelihood, SessionSummary sessions, string summary)
    {
        var files = new List<(string, byte[])> { ("fit-summary.txt", Encoding.UTF8.GetBytes(summary)) };
        var (min, max) = likelihood.ObservedElapsed;
        // From the shortest gap seen, or a little before the session gap (no re-engagement can be
        // seen before it), so the gap's marker is inside the axis.
        var lo = sessions.Gap > 0 ? Math.Min(min, sessions.Gap) / 1.5 : min * 0.999;
        var hi = Math.Max(max * 1.001, lo * 10);
        const int bins = 24;
        var edges = Enumerable.Range(0, bins + 1).Select(i => lo * Math.Pow(hi / lo, i / (double)bins)).ToArray();
        var families = fit.Families
            .Select(f => ($"{Curve(f.Shape.Curve)}{(ReferenceEquals(f, fit.Best) ? " (best)" : string.Empty)}", likelihood.Bin(f.Shape, f.Offset, f.Extra, edges)))
            .ToArray();
        var rateName = likelihood is ImpressionLikelihood ? "click rate" : $"re-engagement hazard (per {Singular(read.UnitName)})";
        var figure = FitCurveFigure.Render(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)), read.UnitName, rateName, families, sessions.Gap, read.TickLength);
        files.Add((figure.PngFileName, figure.Png));
        files.Add((figure.SvgFileName, Encoding.UTF8.GetBytes(figure.Svg)));
        var users = new StringBuilder("user,engagements,log_speed_factor,standard_error,parameter1,shrunk_log_speed_factor\n");
        foreach (var u in fit.Users)
        {
            users.Append(CultureInfo.InvariantCulture, $"\"{Name(read.UserNames, u.User).Replace("\"", "\"\"", StringComparison.Ordinal)}\",{u.Events},{u.LogFactor:R},{u.StandardError:R},{fit.Best.Shape.P1 * Math.Exp(u.LogFactor):R},{ForgettingFitter.Shrunk(u, fit.Heterogeneity):R}\n");
        }

        files.Add(("user_speeds.csv", Encoding.UTF8.GetBytes(users.ToString())));
        var gaps = new StringBuilder("topic,gaps,mean,median,p90\n");
        foreach (var t in stats.TopicGaps)
        {
            gaps.Append(CultureInfo.InvariantCulture, $"\"{Name(read.Topics, t.Topic).Replace("\"", "\"\"", StringComparison.Ordinal)}\",{t.Count},{t.Mean:R},{t.Median:R},{t.Percentile90:R}\n");
        }

        files.Add(("topic_gaps.csv", Encoding.UTF8.GetBytes(gaps.ToString())));
        return files;
    }

    /// <summary>A family's parameters by their scenario names ("halfLife 4.47", "midpoint 2.52, width 3.68").</summary>
    private static string Parameters(CurveShape shape)
    {
        var names = ScenarioCalibration.ParameterNames(shape.Curve);
        return shape.Curve == ForgettingCurve.Exponential
            ? $"{names.P1} {Small(shape.P1)}"
            : $"{names.P1} {Small(shape.P1)}, {names.P2} {Small(shape.P2)}";
    }

    private static string Name(IReadOnlyList<string> names, int id) => id < names.Count ? names[id] : id.ToString(CultureInfo.InvariantCulture);

    private static string Curve(ForgettingCurve curve) => ScenarioParser.Curves.First(c => c.Value == curve).Key;

    private static string FormatName(LogFormat format) => LogFormatDetector.NameOf(format);

    private static string Singular(string unit) => unit.EndsWith('s') ? unit[..^1] : unit;

    private static string P(double share, int decimals = 0) => InteractionLogReader.Percent(share, decimals);

    /// <summary>Up to 4 decimals; rounded first (and + 0.0 turns -0 into 0) so a drop of -1e-6 prints 0, not -0.</summary>
    private static string F(double value) => double.IsFinite(value) ? (Math.Round(value, 4) + 0.0).ToString("0.####", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Like <see cref="F"/>, but a value too small for 4 decimals keeps 3 significant digits (0.0000123, not 0).</summary>
    private static string Small(double value) =>
        double.IsFinite(value) && value != 0 && Math.Abs(value) < 0.001 ? value.ToString("0.###E+0", CultureInfo.InvariantCulture) : F(value);
}
