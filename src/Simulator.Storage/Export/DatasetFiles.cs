namespace Simulator.Storage.Export;

/// <summary>
/// The files and columns of a synthetic dataset export (`simulator run --export`). These headers
/// are a contract: `simulator fit` and users' own training code read them by name.
/// </summary>
public static class DatasetFiles
{
    public const string Interactions = "interactions.csv";
    public const string Users = "users.csv";
    public const string Items = "items.csv";

    /// <summary>One row per shown item of each active user's slate, per strategy world and tick.</summary>
    public const string InteractionsHeader = "seed,strategy,tick,user,position,item,true_prob,clicked,dwell";

    /// <summary>One row per user and seed: readable profile and the true forgetting parameters.</summary>
    public const string UsersHeader = "seed,user,name,locale,segment,curve,param1,param2,baseline,activity";

    /// <summary>
    /// One row per item and seed: its primary topic, its quality and its embedding, one column
    /// e0 .. e(d-1) per topic (the weight the item puts on each topic; the primary topic's is the
    /// catalog's focus). The choice model's utility is the interest-weighted dot product with it.
    /// </summary>
    public static string ItemsHeader(int dim) =>
        "seed,item,topic,quality" + string.Concat(Enumerable.Range(0, dim).Select(h => $",{EmbeddingColumn(h)}"));

    /// <summary>The items.csv column holding every item's weight on topic h.</summary>
    public static string EmbeddingColumn(int topic) => $"e{topic}";
}
