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
          --likelihood L      auto (default: impressions for exports, gaps otherwise), impressions, gaps
          --curves LIST       families to fit, comma-separated (default exponential,sigmoid,power-law)
          --out FILE          write the calibrated scenario (validates against scenarios/schema.json)
          --template FILE     scenario supplying what a log cannot tell (catalog, choice, strategies);
                              its segments are kept with forgettingSpeed and activity set to 1
          --max-users N       cap the calibrated population (default 20000)
          --report DIR        write fit_curves.png/.svg, fit-summary.txt, user_speeds.csv, topic_gaps.csv
          --threads N         CPU worker threads of the fit (default: all cores); the fit is the same for any N

        Bad lines (unparseable timestamp, missing column) stop with file:line and exit code 2.

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

    private const string DefaultTemplate = """
        { "name": "calibrated", "seeds": 3, "strategies": ["random", "popularity", "ema", "oracle"] }
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout)
    {
        var options = ReadOptions(args, out var likelihoodChoice, out var curves, out var outPath, out var templatePath, out var reportDir, out var maxUsers);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = HostMachine.Threads(args.Int("threads", 1, 1024)) };
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

        var template = templatePath is null ? ScenarioParser.Parse(DefaultTemplate, "calibrated") : LoadTemplate(templatePath);
        LogReadResult read;
        try
        {
            read = Directory.Exists(path) ? ExportReader.Read(path, options) : InteractionLogReader.Read(path, options);
        }
        catch (LogLineException e)
        {
            throw new UsageException(e.Message);
        }

        var log = read.Log;
        var stats = LogStatistics.Compute(log);
        var useImpressions = likelihoodChoice switch
        {
            "impressions" => log.HasImpressions ? true : throw new UsageException("--likelihood impressions needs an impression log (a simulator export)"),
            "gaps" => false,
            _ => log.HasImpressions,
        };
        ForgettingLikelihood likelihood = useImpressions ? ImpressionLikelihood.Build(log, parallel) : GapLikelihood.Build(log, parallel);
        if (stats.Engagements < 2 * ForgettingFitter.MinUserEvents || likelihood.Groups == 0)
        {
            throw new UsageException($"{path}: too few engagements to fit forgetting ({stats.Engagements})");
        }

        var fit = ForgettingFitter.Fit(likelihood, curves);
        var summary = Summary(path, read, stats, fit, likelihood);
        stdout.Write(summary);
        if (reportDir is not null)
        {
            WriteReport(reportDir, path, read, stats, fit, likelihood, summary);
            stdout.WriteLine($"report: {reportDir}");
        }

        if (outPath is not null)
        {
            var name = new string(Path.GetFileNameWithoutExtension(outPath).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
            var scenario = ScenarioCalibration.Calibrate(template, fit, stats, new CalibrationOptions(name.Length > 0 ? name : "calibrated", read.TickLength, maxUsers));
            var folder = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(outPath, ScenarioWriter.ToJson(scenario));
            stdout.WriteLine($"calibrated scenario: {outPath} ({scenario.Population.Users} users, {scenario.Dim} topics, {scenario.Ticks} ticks, "
                + $"{Curve(scenario.Forgetting.Curve)} p1={F(scenario.Forgetting.Parameter1)} p2={F(scenario.Forgetting.Parameter2)}, "
                + $"heterogeneity {F(scenario.Forgetting.Heterogeneity)}, activity {F(scenario.Population.Activity)})");
            if (ScenarioCalibration.ResetsSegments(template))
            {
                stdout.WriteLine("  the template's segments keep their mix, drift rate and concentration; their forgettingSpeed and activity are set to 1, as the fitted spread of speeds and the activity already describe the whole population");
            }
        }

        return ExitCodes.Success;
    }

    private static LogReadOptions ReadOptions(
        ArgumentReader args, out string likelihood, out IReadOnlyList<ForgettingCurve> curves, out string? outPath, out string? template, out string? report, out int maxUsers)
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
        likelihood = args.Choice("likelihood", "auto", ["auto", "impressions", "gaps"]);
        var curveText = args.String("curves") ?? "exponential,sigmoid,power-law";
        curves = curveText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c =>
            ScenarioParser.Curves.TryGetValue(c, out var curve)
                ? curve
                : throw new UsageException($"option --curves: unknown curve \"{c}\"; expected {string.Join(", ", ScenarioParser.Curves.Keys)}")).Distinct().ToArray();
        if (curves.Count == 0)
        {
            throw new UsageException("option --curves: name at least one curve");
        }

        outPath = args.String("out");
        template = args.String("template");
        report = args.String("report");
        maxUsers = args.Int("max-users", 1, ScenarioParser.MaxUsers) ?? 20_000;
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

    /// <summary>The printed summary (also fit-summary.txt in the report).</summary>
    public static string Summary(string path, LogReadResult read, LogStatistics stats, ForgettingFit fit, ForgettingLikelihood? likelihood = null)
    {
        var unit = read.UnitName;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"fit: {path} ({FormatName(read.Format)})");
        s.AppendLine(CultureInfo.InvariantCulture, $"  lines {read.Lines}, skipped bad lines {read.Skipped}{(read.FirstSkipped is null ? string.Empty : $" (first: {read.FirstSkipped})")}");
        foreach (var note in read.Notes)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  note: {note}");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"  users {stats.Users}, histories {stats.Histories}, topics {stats.Topics} (from {read.TopicSource}), rows {stats.Rows}, engagements {stats.Engagements}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  duration {F(stats.Duration)} {unit}; activity: active in {F(stats.ActivityRate * 100)}% of {Singular(unit)}s, {F(stats.EngagementsPerUserPerUnit)} engagements per user per {Singular(unit)}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  drift: topic divergence between halves {F(stats.DriftHalves)} bits vs {F(stats.DriftBaseline)} between interleaved halves (indicator {F(stats.DriftIndicator)}, {stats.DriftUsers} users with >= {LogStatistics.MinDriftEngagements} engagements)");
        s.AppendLine(CultureInfo.InvariantCulture, $"  re-engagement gaps: {stats.Gaps.Length}, median {F(Quantiles.OfSorted(stats.Gaps, 0.5))} {unit}, 90th percentile {F(Quantiles.OfSorted(stats.Gaps, 0.9))} {unit}");
        foreach (var topic in stats.TopicGaps.OrderByDescending(t => t.Count).ThenBy(t => t.Topic).Take(8))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"    {Name(read.Topics, topic.Topic),-24} gaps {topic.Count,7}  median {F(topic.Median),8}  p90 {F(topic.Percentile90),8}  mean {F(topic.Mean),8}");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"  likelihood: {fit.LikelihoodKind}");
        if (likelihood is ImpressionLikelihood impressions)
        {
            s.AppendLine(impressions.HasQualityTerm
                ? string.Create(CultureInfo.InvariantCulture, $"    item quality: fitted, coefficient {F(impressions.QualityCoefficientOf(fit.Best.Extra))} per unit of quality (logit scale)")
                : "    item quality: absent (the log has no item quality); quality differences remain as noise");
        }

        s.AppendLine("    family        parameter 1    parameter 2    baseline    log-likelihood          AIC");
        foreach (var f in fit.Families)
        {
            var mark = ReferenceEquals(f, fit.Best) ? "  <- best" : string.Empty;
            s.AppendLine(CultureInfo.InvariantCulture, $"    {Curve(f.Shape.Curve),-12} {F(f.Shape.P1),12} {(f.Shape.Curve == ForgettingCurve.Exponential ? "-" : F(f.Shape.P2)),14} {(double.IsNaN(f.Baseline) ? "-" : F(f.Baseline)),11} {F(f.LogLikelihood),17} {F(f.Aic),12}{mark}");
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

        var speeds = fit.Users.Select(u => fit.Best.Shape.P1 * Math.Exp(u.LogFactor)).Order().ToArray();
        s.AppendLine(CultureInfo.InvariantCulture, $"  per user ({fit.Users.Count} with >= {ForgettingFitter.MinUserEvents} engagements): parameter 1 quartiles {F(Quantiles.OfSorted(speeds, 0.25))} / {F(Quantiles.OfSorted(speeds, 0.5))} / {F(Quantiles.OfSorted(speeds, 0.75))} {unit}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  population: {Curve(fit.MedianUserCurve.Curve)} median user p1 {F(fit.MedianUserCurve.P1)}{(fit.MedianUserCurve.Curve == ForgettingCurve.Exponential ? string.Empty : $", p2 {F(fit.MedianUserCurve.P2)}")} ({unit}), heterogeneity (log-sd of speed) {F(fit.Heterogeneity)}");
        return s.ToString();
    }

    private static void WriteReport(string dir, string path, LogReadResult read, LogStatistics stats, ForgettingFit fit, ForgettingLikelihood likelihood, string summary)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "fit-summary.txt"), summary);
        var upper = Math.Max(6 * likelihood.TypicalTime, 1e-6);
        var edges = Enumerable.Range(0, 25).Select(i => upper * i / 24).ToArray();
        var families = fit.Families
            .Select(f => ($"{Curve(f.Shape.Curve)}{(ReferenceEquals(f, fit.Best) ? " (best)" : string.Empty)}", likelihood.Bin(f.Shape, f.Offset, f.Extra, edges)))
            .ToArray();
        var rateName = likelihood is ImpressionLikelihood ? "click rate" : $"re-engagement hazard (per {Singular(read.UnitName)})";
        var figure = FitCurveFigure.Render(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)), read.UnitName, rateName, families);
        File.WriteAllBytes(Path.Combine(dir, figure.PngFileName), figure.Png);
        File.WriteAllText(Path.Combine(dir, figure.SvgFileName), figure.Svg);
        var users = new StringBuilder("user,engagements,log_speed_factor,standard_error,parameter1,shrunk_log_speed_factor\n");
        foreach (var u in fit.Users)
        {
            users.Append(CultureInfo.InvariantCulture, $"\"{Name(read.UserNames, u.User).Replace("\"", "\"\"", StringComparison.Ordinal)}\",{u.Events},{u.LogFactor:R},{u.StandardError:R},{fit.Best.Shape.P1 * Math.Exp(u.LogFactor):R},{ForgettingFitter.Shrunk(u, fit.Heterogeneity):R}\n");
        }

        File.WriteAllText(Path.Combine(dir, "user_speeds.csv"), users.ToString());
        var gaps = new StringBuilder("topic,gaps,mean,median,p90\n");
        foreach (var t in stats.TopicGaps)
        {
            gaps.Append(CultureInfo.InvariantCulture, $"\"{Name(read.Topics, t.Topic).Replace("\"", "\"\"", StringComparison.Ordinal)}\",{t.Count},{t.Mean:R},{t.Median:R},{t.Percentile90:R}\n");
        }

        File.WriteAllText(Path.Combine(dir, "topic_gaps.csv"), gaps.ToString());
    }

    private static string Name(IReadOnlyList<string> names, int id) => id < names.Count ? names[id] : id.ToString(CultureInfo.InvariantCulture);

    private static string Curve(ForgettingCurve curve) => ScenarioParser.Curves.First(c => c.Value == curve).Key;

    private static string FormatName(LogFormat format) => LogFormatDetector.Names.First(n => n.Value == format).Key;

    private static string Singular(string unit) => unit.EndsWith('s') ? unit[..^1] : unit;

    /// <summary>Up to 4 decimals; rounded first (and + 0.0 turns -0 into 0) so a drop of -1e-6 prints 0, not -0.</summary>
    private static string F(double value) => double.IsFinite(value) ? (Math.Round(value, 4) + 0.0).ToString("0.####", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
}
