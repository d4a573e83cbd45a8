using System.Globalization;
using Simulator.Core.Scenarios;

namespace Simulator.Cli.Commands;

/// <summary>
/// The `choice` and `catalog` topics of `simulator list`: the response model and the catalog
/// dynamics with their parameters. Defaults are read from the parser's resolved empty scenario,
/// so the listing can never disagree with what a run uses.
/// </summary>
internal static class CatalogListing
{
    public static void Choice(TextWriter o)
    {
        var s = ScenarioParser.Parse("{}", "defaults");
        var c = s.Choice;
        o.WriteLine("choice model (scenario object \"choice\"): multinomial logit over the slate with a no-click option and position bias");
        o.WriteLine("  v_i = interestWeight <interest_u, x_i> + qualityWeight q_i - satiationWeight <s_u, x_i> + aging_i + social_i");
        o.WriteLine("  P(position j) = g^j e^(v_j/T) / (e^(v0/T) + sum_l g^l e^(v_l/T)), sampled by Gumbel-max from keyed noise");
        o.WriteLine($"  interestWeight = {F(c.InterestWeight)}, qualityWeight = {F(c.QualityWeight)}, temperature T = {F(c.Temperature)}, noClickUtility v0 = {F(c.NoClickUtility)}, positionDecay g = {F(c.PositionDecay)}");
        o.WriteLine($"  dwell of a click: exp(min(dwellMu + dwellBeta v + dwellSigma eps, {F(Simulator.Core.Compute.Operators.ChoiceMath.MaxLogDwell)})); dwellMu = {F(c.DwellMu)}, dwellBeta = {F(c.DwellBeta)}, dwellSigma = {F(c.DwellSigma)}");
        o.WriteLine($"  satiation: s_g <- satiationDecay s_g + 1[clicked topic g]; satiationWeight = {F(s.Satiation.Weight)} (off), satiationDecay = {F(s.Satiation.Decay)}");
        o.WriteLine();
    }

    public static void Catalog(TextWriter o)
    {
        var s = ScenarioParser.Parse("{}", "defaults");
        var d = s.Catalog.Dynamics;
        o.WriteLine("catalog (scenario object \"catalog\"): topic-mixture items with quality; dynamics off by default");
        o.WriteLine($"  items = {s.Catalog.Items} (capacity), focus = {F(s.Catalog.Focus)}, qualitySd = {F(s.Catalog.QualitySd)}");
        o.WriteLine($"  arrivals    initialItems live at tick 0 (0 = all), then Poisson(arrivalRate) per tick in index order; initialItems = {d.InitialItems}, arrivalRate = {F(d.ArrivalRate)}");
        o.WriteLine($"  aging       aging_i = agingWeight (R(age_i) - 1), R a forgetting curve (agingCurve, agingScale, agingShape); agingWeight = {F(d.AgingWeight)} (off), agingCurve = {ScenarioParser.Curves.First(k => k.Value == d.AgingCurve).Key}, agingScale = {F(d.AgingScale)}, agingShape = {F(d.AgingShape)}");
        o.WriteLine($"  popularity  social_i = socialProof ln(1 + clicks on i so far in the strategy's world); socialProof = {F(d.SocialProof)} (off)");
        o.WriteLine();
    }

    private static string F(float value) => value.ToString("G", CultureInfo.InvariantCulture);
}
