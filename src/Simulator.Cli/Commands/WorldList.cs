using System.Globalization;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Scenarios;

namespace Simulator.Cli.Commands;

/// <summary>
/// `simulator list world` (drift, forgetting, choice, users): the ground-truth model's processes,
/// curves and parameters with their defaults. Defaults are read from the parser's resolution of
/// an empty scenario, so this text cannot drift from what a run uses.
/// </summary>
internal static class WorldList
{
    private static readonly Scenario Defaults = ScenarioParser.Parse("{}", "defaults");

    private static DriftSpec DefaultsOf(string kind) =>
        ScenarioParser.Parse($$"""{ "drift": { "kind": "{{kind}}" } }""", "defaults").Drift;

    public static void Drift(TextWriter o)
    {
        var abrupt = DefaultsOf("abrupt");
        var ou = DefaultsOf("ornstein-uhlenbeck");
        var gradual = DefaultsOf("gradual");
        var seasonal = DefaultsOf("seasonal");
        o.WriteLine("drift processes (scenario field \"drift\": one {\"kind\": ...} object, or an array applied in order each tick):");
        o.WriteLine("  stationary          no drift (control)");
        o.WriteLine("  abrupt              switch to a new concept: z <- (1-shift) z + shift z_new; per user at Poisson rate x the user's drift rate,");
        o.WriteLine("                      and for everyone at event ticks; the new concept arrives fresh (its topics, >= 1/d of the");
        o.WriteLine("                      new preference, restart at peak strength)");
        o.WriteLine(F($"                      rate = {abrupt.Rate} per tick, shift = {abrupt.Shift}, events = [] (ticks)"));
        o.WriteLine("  ornstein-uhlenbeck  z <- z + kappa (mu - z) + sigma r_u eps on interest logits (mu = initial logits, r_u = drift rate)");
        o.WriteLine(F($"                      kappa = {ou.Kappa}, sigma = {ou.Sigma}; stationary variance sigma^2 / (1 - (1-kappa)^2)"));
        o.WriteLine("  gradual             each user moves once to a second concept (fresh); share moved by tick t is");
        o.WriteLine(F($"                      P(new) = 1/(1+exp(-4(t-midpoint)/width)); midpoint = {gradual.Midpoint}, width = {gradual.Width} (ticks)"));
        o.WriteLine("  seasonal            z = mu + A sin(2 pi t/period + phase) v_u, v_u a per-user direction ~ N(0, I)");
        o.WriteLine(F($"                      amplitude = {seasonal.Amplitude}, period = {seasonal.Period} (ticks), phase = {seasonal.Phase} (radians)"));
        o.WriteLine();
    }

    public static void Forgetting(TextWriter o)
    {
        var f = Defaults.Forgetting;
        o.WriteLine("forgetting curves (scenario field \"forgetting.curve\"; strength = baseline + (peak - baseline) R(dt), dt = time since last engagement):");
        o.WriteLine("  exponential  R = 2^(-dt/halfLife)                      halfLife = 8");
        o.WriteLine("  sigmoid      R = (1+e^(-m/s)) / (1+e^((dt-m)/s))        midpoint m = 10, width s = 3 (default curve)");
        o.WriteLine("  power-law    R = (1 + dt/tau)^(-exponent)              tau = 4, exponent = 0.8");
        o.WriteLine(F($"  shared: heterogeneity = {f.Heterogeneity} (log-sd of per-user speed), baseline = {f.Baseline}, reinforcement = {f.Reinforcement} (w += eta (1 - w) on a click)"));
        o.WriteLine(F($"  spontaneous recovery: recoveryRate = {f.RecoveryRate} (per user and tick; 0 = off), recoveryFraction = {f.RecoveryFraction}:"));
        o.WriteLine("          one keyed topic's strength w <- w + fraction (1 - w), and its curve restarts there");
        o.WriteLine();
    }

    public static void Users(TextWriter o)
    {
        var p = Defaults.Population;
        var churn = Defaults.Churn;
        var typical = SegmentSpec.Typical;
        o.WriteLine("users (scenario fields \"population\" and \"churn\"):");
        o.WriteLine(F($"  users = {p.Users}, topics = {p.Topics}, logitScale = {p.LogitScale}, activity = {p.Activity} (median P(active in a tick))"));
        o.WriteLine(F($"  activitySpread = {p.ActivitySpread}, driftHeterogeneity = {p.DriftHeterogeneity} (log-sd of per-user activity and drift rate)"));
        o.WriteLine("  segments = [] (archetypes): {name, weight, activity, forgettingSpeed, driftRate, concentration}; each scale defaults to");
        o.WriteLine(F($"      {typical.Activity} and multiplies activity, divides the forgetting time scale, multiplies drift rate and logitScale"));
        o.WriteLine(F($"  churn: threshold = {churn.Threshold} (0 = off), patience = {churn.Patience}, smoothing = {churn.Smoothing}, returnRate = {churn.ReturnRate}:"));
        o.WriteLine("      a user whose EMA of expected CTR stays below threshold for patience active ticks leaves that strategy's world,");
        o.WriteLine("      and returns with probability returnRate per tick");
        o.WriteLine();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
