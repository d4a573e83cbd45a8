namespace Simulator.Reporting.Export;

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

    /// <summary>One row per item and seed: its primary topic and quality.</summary>
    public const string ItemsHeader = "seed,item,topic,quality";

    /// <summary>
    /// Segment name written for every user while populations have no segments: the single
    /// population the scenario describes.
    /// </summary>
    public const string DefaultSegment = "default";
}
