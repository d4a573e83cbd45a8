namespace Simulator.Core.Metrics;

/// <summary>A per-tick metric: name, range and whether lower is better.</summary>
public sealed record MetricDescriptor(string Name, string Description, string Range, bool LowerIsBetter);

/// <summary>The metrics a scenario can select. NDCG is named after the slate size (ndcg@k).</summary>
public static class MetricCatalog
{
    public const string ExpectedCtr = "expected_ctr";
    public const string RealisedCtr = "realised_ctr";
    public const string Regret = "regret";

    public static string Ndcg(int k) => $"ndcg@{k}";

    public static IReadOnlyList<MetricDescriptor> For(int k) =>
    [
        new(Ndcg(k), "NDCG of the slate, graded true relevance (click probability if shown alone), IDCG from the oracle's top-k over the full catalog.", "[0, 1]", false),
        new(ExpectedCtr, "expected click-through: 1 - P(no click) of the slate under the true choice model.", "[0, 1]", false),
        new(RealisedCtr, "share of active users who clicked (sampled).", "[0, 1]", false),
        new(Regret, "pseudo-regret: oracle's expected CTR minus the strategy's, in the same world state.", "[0, 1]", true),
    ];
}
