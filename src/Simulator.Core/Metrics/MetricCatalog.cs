namespace Simulator.Core.Metrics;

/// <summary>Identifies a per-tick metric; the index into <see cref="MetricSums"/>.</summary>
public enum MetricId
{
    Ndcg,
    ExpectedCtr,
    RealisedCtr,
    Regret,
    Recall,
    HitRate,
    Mrr,
    Coverage,
    Gini,
    Novelty,
    Ild,
    Calibration,
    TrackingError,
    ForgettingError,
    OverForgetting,
}

/// <summary>
/// A per-tick metric: name, meaning, range (as text and as numbers, for range checks), whether
/// lower is better and whether a scenario gets it without listing it.
/// </summary>
public sealed record MetricDescriptor(
    MetricId Id, string Name, string Description, string Range, double Min, double Max, bool LowerIsBetter, bool Default = true);

/// <summary>
/// The metrics a scenario can select. NDCG, recall and hit rate are named after the slate size
/// (ndcg@k). Every per-user metric is averaged over the users for whom it is defined; a metric
/// defined for nobody in a tick (e.g. tracking error of a strategy without an estimate) is NaN there.
/// </summary>
public static class MetricCatalog
{
    public const string ExpectedCtr = "expected_ctr";
    public const string RealisedCtr = "realised_ctr";
    public const string Regret = "regret";
    public const string Mrr = "mrr";
    public const string Coverage = "coverage";
    public const string Gini = "gini";
    public const string Novelty = "novelty";
    public const string Ild = "ild";
    public const string Calibration = "calibration";
    public const string TrackingError = "tracking_error";
    public const string ForgettingError = "forgetting_error";
    public const string OverForgetting = "over_forgetting";

    /// <summary>Steck's smoothing: the slate distribution is mixed with alpha of the user's, so KL stays finite.</summary>
    public const double CalibrationAlpha = 0.01;

    /// <summary>
    /// A topic is "lost" when its true strength has fallen below baseline + LostFraction (1 - baseline):
    /// 90% of the way from full strength to the floor the forgetting curve decays to.
    /// </summary>
    public const double LostFraction = 0.1;

    public static string Ndcg(int k) => $"ndcg@{k}";

    public static string Recall(int k) => $"recall@{k}";

    public static string HitRate(int k) => $"hitrate@{k}";

    /// <summary>
    /// Every metric, in output order. The first four keep their historical column positions;
    /// ild is opt-in because it is the one metric quadratic in k (k(k-1)/2 d per user).
    /// </summary>
    public static IReadOnlyList<MetricDescriptor> For(int k) =>
    [
        new(MetricId.Ndcg, Ndcg(k), "NDCG of the slate, graded true relevance (click probability if shown alone), IDCG from the oracle's top-k over the full catalog.", "[0, 1]", 0, 1, false),
        new(MetricId.ExpectedCtr, ExpectedCtr, "expected click-through per impression: mean exact click probability of the shown items under the true choice model, (1 - P(no click)) / k.", "[0, 1/k)", 0, 1, false),
        new(MetricId.RealisedCtr, RealisedCtr, "realised click-through per impression: clicks / shown items (sampled; at most one click per slate).", "[0, 1/k]", 0, 1, false),
        new(MetricId.Regret, Regret, "pseudo-regret: oracle's expected CTR (per impression) minus the strategy's, in the same world state.", "[0, 1]", 0, 1, true),
        new(MetricId.Recall, Recall(k), "share of the oracle's top-k items that are in the slate.", "[0, 1]", 0, 1, false),
        new(MetricId.HitRate, HitRate(k), "1 if the slate holds any of the oracle's top-k items, else 0.", "[0, 1]", 0, 1, false),
        new(MetricId.Mrr, Mrr, "1 / (1-based rank of the first slate item in the oracle's top-k); 0 if none.", "[0, 1]", 0, 1, false),
        new(MetricId.Coverage, Coverage, "share of catalog items shown to at least one user this tick.", "[0, 1]", 0, 1, false),
        new(MetricId.Gini, Gini, "Gini coefficient of this tick's exposure counts over all catalog items (0 = equal exposure).", "[0, 1)", 0, 1, true),
        new(MetricId.Novelty, Novelty, "mean -log2 p_i of shown items, p_i = (1 + exposures of i before this tick) / (M + all exposures before this tick).", "[0, inf)", 0, double.PositiveInfinity, false),
        new(MetricId.Ild, Ild, "intra-list diversity: mean over slate pairs of 1 - cosine of item embeddings (costs k^2 d per user).", "[0, 1]", 0, 1, false, Default: false),
        new(MetricId.Calibration, Calibration, "Steck miscalibration KL(p || (1-a) q + a p), p = true interest normalised over topics, q = mean topic mixture of the slate, a = 0.01 (nats).", "[0, 4.61]", 0, Math.Log(1 / CalibrationAlpha), true),
        new(MetricId.TrackingError, TrackingError, "1 - cosine(strategy's interest estimate, true interest); NaN for strategies without an estimate.", "[0, 2]", 0, 2, true),
        new(MetricId.ForgettingError, ForgettingError, "share of slate items whose primary topic the user has lost (strength < b + 0.1 (1 - b)).", "[0, 1]", 0, 1, true),
        new(MetricId.OverForgetting, OverForgetting, "share of still-held topics among the oracle's top-k items that no slate item covers (users with such topics).", "[0, 1]", 0, 1, true),
    ];

    /// <summary>The metrics a scenario gets when it lists none.</summary>
    public static IReadOnlyList<string> Defaults(int k) => For(k).Where(m => m.Default).Select(m => m.Name).ToArray();

    /// <summary>The descriptor of a metric name for slate size k, or null.</summary>
    public static MetricDescriptor? Find(string name, int k) => For(k).FirstOrDefault(m => m.Name == name);

    /// <summary>
    /// Whether lower is better for a metric name, whatever k it was named with (ndcg@5, ndcg@10);
    /// null for names the catalog does not know.
    /// </summary>
    public static bool? IsLowerBetter(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        var k = at >= 0 && int.TryParse(name.AsSpan(at + 1), out var parsed) && parsed > 0 ? parsed : 10;
        return Find(name, k)?.LowerIsBetter;
    }
}
