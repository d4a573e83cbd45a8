using Simulator.Core.Scenarios;

namespace Simulator.Core.Fitting;

/// <summary>Limits and naming for a calibrated scenario.</summary>
/// <param name="Name">Scenario name (letters, digits, '-', '_', '.').</param>
/// <param name="TickLength">Log time units per simulated tick (the fit's time unit is one).</param>
/// <param name="MaxUsers">Cap on simulated users: a log of millions need not be replayed at full size.</param>
/// <param name="MaxTopics">Cap on topics (logs that use items as topics can have thousands).</param>
/// <param name="MaxTicks">Cap on the run length in ticks.</param>
/// <param name="UnitName">The time unit of the fitted parameters, for the adjustments' wording (days, ticks, ...).</param>
public sealed record CalibrationOptions(string Name, double TickLength = 1, int MaxUsers = 20_000, int MaxTopics = 64, int MaxTicks = 1000, string UnitName = "time units")
{
    /// <summary>Adjustments made before calibration (e.g. by the log reader) that the scenario's description must state too.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>A warning the description must carry (e.g. the fit was not identified and written under --force); null when none.</summary>
    public string? Warning { get; init; }
}

/// <summary>A calibrated scenario and every clamp or cap applied on the way, each in words.</summary>
public sealed record Calibration(Scenario Scenario, IReadOnlyList<string> Adjustments);

/// <summary>
/// Turns a fit into a scenario whose population behaves like the log: the chosen forgetting
/// family at the median user's parameters, the fitted spread of speeds as heterogeneity, the
/// fitted baseline and reinforcement (the template's when the likelihood cannot estimate them), the observed activity rate, topic count and duration. Everything the log
/// cannot tell (catalog, choice model, strategies) comes from the template. The result goes
/// through <see cref="ScenarioWriter"/> and <see cref="ScenarioParser"/>, so it is exactly what
/// reading the written file gives and passes every validation rule.
/// </summary>
public static class ScenarioCalibration
{
    /// <summary>Smallest curve parameter a calibrated scenario is given (parameter 1 and 2 are positive in a scenario).</summary>
    public const double MinParameter = 1e-6;

    /// <summary>Largest curve parameter (the scenario schema's bound).</summary>
    public const double MaxParameter = 1e6;

    /// <summary>Largest power-law exponent (the scenario schema's bound).</summary>
    public const double MaxExponent = 100;

    /// <summary>Largest baseline a calibrated scenario is given (a baseline of 1 would be no forgetting at all).</summary>
    public const double MaxBaseline = 0.95;

    /// <summary>Smallest activity a calibrated scenario is given.</summary>
    public const double MinActivity = 0.01;

    /// <summary>The calibrated scenario alone (<see cref="Build"/> also says what was clamped).</summary>
    public static Scenario Calibrate(Scenario template, ForgettingFit fit, LogStatistics stats, CalibrationOptions options) =>
        Build(template, fit, stats, options).Scenario;

    /// <summary>
    /// The calibrated scenario and, in words, every clamp and cap applied: users, topics and ticks
    /// capped, curve parameters, heterogeneity, baseline and activity held inside the scenario's
    /// bounds. The same sentences (and <see cref="CalibrationOptions.Notes"/>) end the scenario's
    /// description, so the file says what it is not.
    /// </summary>
    public static Calibration Build(Scenario template, ForgettingFit fit, LogStatistics stats, CalibrationOptions options)
    {
        var curve = fit.MedianUserCurve;
        var unit = options.UnitName;
        var unitsPerTick = options.TickLength;
        var adjustments = new List<string>();
        // Six decimals, or three significant digits for what six decimals would print as 0.
        string N(double v) => v != 0 && Math.Abs(v) < 1e-4
            ? v.ToString("0.###E+0", System.Globalization.CultureInfo.InvariantCulture)
            : v.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
        double Clamp(string what, double value, double lo, double hi, string why)
        {
            var clamped = Math.Clamp(value, lo, hi);
            if (clamped != value)
            {
                adjustments.Add($"{what}: fitted {N(value)}, written {N(clamped)} ({why})");
            }

            return clamped;
        }

        var topicCap = Math.Min(options.MaxTopics, ScenarioParser.MaxTopics);
        var topics = Math.Clamp(stats.Topics, 1, topicCap);
        if (topics < stats.Topics)
        {
            adjustments.Add($"topics: the log has {stats.Topics}, the scenario {topics} (the cap of a calibrated scenario); a log without a topic column uses items as topics: give it one (--topic-col, or the genre file beside MovieLens ratings)");
        }

        var spanTicks = Math.Floor(stats.Duration / unitsPerTick) + 1;
        var ticks = (int)Math.Clamp(spanTicks, 2, options.MaxTicks);
        if (ticks < spanTicks)
        {
            adjustments.Add($"ticks: the log spans {N(spanTicks)} ticks of 1 {Singular(unit)}, the scenario runs {ticks} (the cap), {N(ticks * unitsPerTick)} of the log's {N(stats.Duration)} {unit}: fit with a coarser --unit");
        }
        else if (ticks > spanTicks)
        {
            adjustments.Add($"ticks: the log spans {N(spanTicks)} tick(s), the scenario runs {ticks} (the least a scenario runs)");
        }

        var users = Math.Clamp(stats.Users, 1, options.MaxUsers);
        if (users < stats.Users)
        {
            adjustments.Add($"users: the log has {stats.Users}, the scenario simulates {users} (--max-users)");
        }

        var isExponential = curve.Curve == Compute.Operators.ForgettingCurve.Exponential;
        var names = ParameterNames(curve.Curve);
        var population = template.Population with
        {
            Users = users,
            Topics = topics,
            Activity = (float)Clamp("activity", stats.ActivityRate, MinActivity, 1, $"a scenario's activity is at least {N(MinActivity)}"),
            Segments = NeutralSegments(template.Population.Segments),
        };
        var bounds = $"a scenario's curve parameters lie between {N(MinParameter)} and {N(MaxParameter)} {unit}";
        var forgetting = template.Forgetting with
        {
            Curve = curve.Curve,
            Parameter1 = (float)Clamp(names.P1, curve.P1, MinParameter, MaxParameter, bounds),
            Parameter2 = isExponential ? template.Forgetting.Parameter2 : curve.Curve == Compute.Operators.ForgettingCurve.Sigmoid
                ? (float)Clamp(names.P2, curve.P2, MinParameter, MaxParameter, bounds)
                : (float)Clamp(names.P2, curve.P2, MinParameter, MaxExponent, $"a scenario's exponent lies between {N(MinParameter)} and {N(MaxExponent)}"),
            Heterogeneity = (float)Clamp("heterogeneity", fit.Heterogeneity, 0, 3, "a scenario's heterogeneity is at most 3"),
            Baseline = double.IsNaN(fit.Best.Baseline) ? template.Forgetting.Baseline : (float)Clamp("baseline", fit.Best.Baseline, 0, MaxBaseline, $"a calibrated baseline is at most {N(MaxBaseline)}, else nothing is forgotten"),
            Reinforcement = double.IsNaN(fit.Best.Reinforcement) ? template.Forgetting.Reinforcement : (float)Clamp("reinforcement", fit.Best.Reinforcement, 0, 1, "reinforcement lies between 0 and 1"),
        };
        var events = template.Drift.EventTicks.Where(t => t < ticks).ToArray();
        var described = options.Notes.Concat(adjustments).ToArray();
        var description = $"Calibrated by `simulator fit`: {ForgettingFitter.CurveName(curve.Curve)} forgetting fitted from a log of {stats.Users} users, {stats.Engagements} engagements.";
        if (options.Warning is not null)
        {
            description += $" WARNING: {options.Warning}";
        }

        if (described.Length > 0)
        {
            description += $" Adjusted: {string.Join("; ", described)}.";
        }

        var scenario = template with
        {
            Name = options.Name,
            Description = description,
            Ticks = ticks,
            TickLength = (float)unitsPerTick,
            Shards = Math.Min(template.Shards, population.Users),
            SlateSize = Math.Min(template.SlateSize, template.Catalog.Items),
            Population = population,
            Forgetting = forgetting,
            Drift = template.Drift with { EventTicks = events },
        };
        return new Calibration(ScenarioParser.Parse(ScenarioWriter.ToJson(scenario), options.Name), adjustments);
    }

    /// <summary>A family's parameter names as a scenario spells them (halfLife; midpoint, width; tau, exponent).</summary>
    public static (string P1, string P2) ParameterNames(Compute.Operators.ForgettingCurve curve) => curve switch
    {
        Compute.Operators.ForgettingCurve.Exponential => ("halfLife", "-"),
        Compute.Operators.ForgettingCurve.Sigmoid => ("midpoint", "width"),
        _ => ("tau", "exponent"),
    };

    private static string Singular(string unit) => unit.EndsWith('s') ? unit[..^1] : unit;

    /// <summary>
    /// The template's segments with their forgetting-speed and activity multipliers set to 1 (mix,
    /// drift rate and concentration kept). The fitted spread of speeds and the observed activity
    /// describe the whole population, segments included, so multipliers on top would count them
    /// twice: with fast-forgetting.json as template (segments 2x faster / 2x slower, binge-watchers
    /// 1.1x as active) the calibrated re-run of its own 300-user export had 6% more gaps and gap KS
    /// D 0.029 against the 5% critical value 0.023.
    /// </summary>
    public static IReadOnlyList<SegmentSpec> NeutralSegments(IReadOnlyList<SegmentSpec> segments) =>
        [.. segments.Select(s => s with { Activity = 1, ForgettingSpeed = 1 })];

    /// <summary>Whether calibration changes any of the template's segments (<see cref="NeutralSegments"/>).</summary>
    public static bool ResetsSegments(Scenario template) =>
        !NeutralSegments(template.Population.Segments).SequenceEqual(template.Population.Segments);
}
