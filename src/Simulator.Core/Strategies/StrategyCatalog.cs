using Simulator.Core.Scenarios;
using Simulator.Core.Strategies.Learned;
using Simulator.Core.Strategies.Sequence;

namespace Simulator.Core.Strategies;

/// <summary>A hyper-parameter: name, default, allowed range and meaning.</summary>
public sealed record StrategyParameter(string Name, double Default, double Min, double Max, string Description);

/// <summary>
/// A strategy kind the scenario file can name. <paramref name="RunsOnShards"/>: its learning is
/// per user or a reduction in shard order with a partial codec, so a seed's users can be split over
/// shard grains (one process per logical shard) with the bytes of a one-process run; strategies
/// whose updates read other shards' users in sequence (mf, itemknn-decay, the mlp and sequence
/// families) cannot. <paramref name="Check"/>: a rule across parameters that their ranges cannot
/// say, returning the parameter at fault and the message, or null when the values agree.
/// <paramref name="TimeBlindTwin"/>: for a strategy that sees time (forgetting), the strategy that
/// is the same model without time; runs with both get their paired difference in summary.json.
/// </summary>
public sealed record StrategyDescriptor(
    string Name,
    string Description,
    bool ReadsGroundTruth,
    IReadOnlyList<StrategyParameter> Parameters,
    Func<StrategyContext, StrategySpec, IStrategy> Create,
    bool RunsOnShards = true,
    Func<IReadOnlyDictionary<string, double>, (string Parameter, string Message)?>? Check = null,
    string? TimeBlindTwin = null);

/// <summary>Every strategy the simulator ships, by scenario name.</summary>
public static class StrategyCatalog
{
    /// <summary>Time-aware strategy -> its time-blind twin, for every strategy that has one.</summary>
    public static IReadOnlyDictionary<string, string> TimeBlindTwins =>
        All.Where(d => d.TimeBlindTwin is not null).ToDictionary(d => d.Name, d => d.TimeBlindTwin!, StringComparer.Ordinal);

    public static IReadOnlyList<StrategyDescriptor> All { get; } =
    [
        new("random", "k distinct items uniformly at random; learns nothing (the floor).", false, [], (c, _) => new RandomStrategy(c)),
        new("popularity", "the k most-clicked items so far, the same slate for everyone.", false, [], (c, _) => new PopularityStrategy(c)),
        new(
            "ema",
            "user vector = exponential moving average of clicked item embeddings: e <- (1-alpha) e + alpha x.",
            false,
            [new StrategyParameter("alpha", 0.3, 0.0, 1.0, "weight of the newest click")],
            (c, s) => new EmaStrategy(c, s["alpha"])),
        new(
            "recent-popularity",
            "the k items with the largest decayed click counts, c <- gamma c + clicks; the same slate for everyone.",
            false,
            [new StrategyParameter("decay", 0.9, 0.0, 1.0, "gamma: per-tick decay of the click counts")],
            (c, s) => new RecentPopularityStrategy(c, s["decay"])),
        new(
            "decay-history",
            "user vector h <- gamma h every active tick, h <- h + x on a click; score <h, x>.",
            false,
            [new StrategyParameter("decay", 0.8, 0.0, 1.0, "gamma: per-active-tick decay of the history vector")],
            (c, s) => new DecayHistoryStrategy(c, s["decay"])),
        new(
            "sliding-window",
            "user vector = mean embedding of the user's last W clicked items; score <v, x>.",
            false,
            [new StrategyParameter("window", 10, 1, 1000, "W: clicks remembered per user (integer)")],
            (c, s) => new SlidingWindowStrategy(c, (int)s["window"])),
        new(
            "actr",
            "ACT-R base-level activation per topic, B_g = ln sum (t - t_j + 1)^-d over the last 20 clicks; score <exp(B), x>.",
            false,
            [new StrategyParameter("decay", 0.5, 0.0, 5.0, "d: power-law decay of each past click's activation")],
            (c, s) => new ActrStrategy(c, s["decay"])),
        new(
            "d-ucb",
            "discounted UCB over items: S <- gamma S + clicks, N <- gamma N + shows, index S/N + c sqrt(ln sum N / N); one slate for all.",
            false,
            [
                new StrategyParameter("discount", 0.95, 0.0, 1.0, "gamma: per-tick discount of clicks and shows"),
                new StrategyParameter("exploration", 0.5, 0.0, 100.0, "c: weight of the exploration bonus"),
            ],
            (c, s) => new DiscountedUcbStrategy(c, s["discount"], s["exploration"])),
        new(
            "sw-ucb",
            "sliding-window UCB over items: clicks and shows over the last W ticks, index S/N + c sqrt(ln sum N / N); one slate for all.",
            false,
            [
                new StrategyParameter("window", 20, 1, 10000, "W: ticks in the window (integer)"),
                new StrategyParameter("exploration", 0.5, 0.0, 100.0, "c: weight of the exploration bonus"),
            ],
            (c, s) => new SlidingWindowUcbStrategy(c, (int)s["window"], s["exploration"])),
        new(
            "d-ts",
            "discounted Thompson sampling over items: Beta(1 + S, 1 + N - S) with S, N discounted by gamma; per-user keyed draws (Normal approximation).",
            false,
            [new StrategyParameter("discount", 0.95, 0.0, 1.0, "gamma: per-tick discount of clicks and shows")],
            (c, s) => new DiscountedThompsonStrategy(c, s["discount"])),
        new(
            "itemknn-decay",
            "item-kNN: cosine over co-occurrence of clicks decayed by gamma per tick; score = sum over the user's last 5 clicks h of gamma^age sim(h, i).",
            false,
            [new StrategyParameter("decay", 0.95, 0.0, 1.0, "gamma: per-tick decay of co-occurrence, counts and history weights")],
            (c, s) => new ItemKnnDecayStrategy(c, s["decay"]),
            RunsOnShards: false),
        new(
            "mf",
            "streaming matrix factorisation (ISGD) on impressions: err = y - <p, q>, p += eta (err q - lambda p), q += eta (err p - lambda q).",
            false,
            MfParameters(),
            (c, s) => new MatrixFactorizationStrategy(c, (int)s["factors"], s["learningRate"], s["regularization"], 1.0),
            RunsOnShards: false),
        new(
            "mf-forgetting",
            "mf with latent-factor forgetting: the user's factors fade, p <- gamma p, every active tick before the ISGD updates.",
            false,
            [.. MfParameters(), new StrategyParameter("fade", 0.9, 0.0, 1.0, "gamma: per-active-tick fading of the user's factors")],
            (c, s) => new MatrixFactorizationStrategy(c, (int)s["factors"], s["learningRate"], s["regularization"], s["fade"]),
            RunsOnShards: false),
        new(
            "linucb",
            "LinUCB with one shared linear model: z = v_u * x_i (v_u the user's click EMA), score theta.z + c sqrt(z' A^-1 z); A += z z', b += y z over impressions.",
            false,
            [new StrategyParameter("exploration", 0.5, 0.0, 100.0, "c: weight of the exploration bonus")],
            (c, s) => new LinUcbStrategy(c, s["exploration"])),
        new(
            "mlp-forgetting",
            "the seed's model: behaviour features -> MLP -> interest embedding I = S R(dt; alpha_u) + MLP(f); sigmoid forgetting R with alpha fitted per user by maximum likelihood of clicks and dwell; BCE + Adam minibatches.",
            false,
            [.. MlpSettings.NetworkParameters, .. MlpSettings.ForgettingParameters],
            (c, s) => new MlpInterestStrategy(c, ForgettingMode.PerUser, MlpSettings.From(s)),
            RunsOnShards: false,
            TimeBlindTwin: "mlp-static"),
        new(
            "mlp-global-alpha",
            "mlp-forgetting with one alpha fitted for all users (ablation: what per-user forgetting buys).",
            false,
            [.. MlpSettings.NetworkParameters, .. MlpSettings.ForgettingParameters.Where(p => p.Name != "alphaPrior")],
            (c, s) => new MlpInterestStrategy(c, ForgettingMode.Global, MlpSettings.From(s)),
            RunsOnShards: false,
            TimeBlindTwin: "mlp-static"),
        new(
            "mlp-static",
            "mlp-forgetting without forgetting: R = 1, no time in the features (ablation: what forgetting buys).",
            false,
            MlpSettings.NetworkParameters,
            (c, s) => new MlpInterestStrategy(c, ForgettingMode.None, MlpSettings.From(s)),
            RunsOnShards: false),
        new(
            "gru4rec",
            "GRU over the user's clicks (item embedding, ln dwell, position), time-blind: h' = (1-z) n + z h; u = W h + b; click model sigmoid(<u, E_i> + c_i + p_j) with item embeddings E learned from the catalog's item vectors; BCE on every shown item, Adam minibatches, BPTT over the last L clicks. With lstm = 1 the cell is time-lstm's without its time terms.",
            false,
            [.. SequenceSettings.CommonParameters, .. SequenceSettings.CellParameters],
            (c, s) => new SequenceStrategy(c, SequenceKind.Gru4Rec, SequenceSettings.From(s)),
            RunsOnShards: false),
        new(
            "time-lstm",
            "gru4rec's twin with time: an LSTM whose gates see tau = ln(1 + gap) and whose memory decays over each gap, c <- c sigma(alpha tau + beta), up to now, so the interest recommended fades with the time the user was away (a learned forgetting law); the time terms start neutral.",
            false,
            SequenceSettings.CommonParameters,
            (c, s) => new SequenceStrategy(c, SequenceKind.TimeLstm, SequenceSettings.From(s)),
            RunsOnShards: false,
            TimeBlindTwin: "gru4rec"),
        new(
            "sasrec",
            "causal self-attention over the last L clicks and a learned now token (rank embeddings: order only), time-blind; same click model and training as gru4rec.",
            false,
            [.. SequenceSettings.CommonParameters, .. SequenceSettings.AttentionParameters],
            (c, s) => new SequenceStrategy(c, SequenceKind.SasRec, SequenceSettings.From(s)),
            RunsOnShards: false,
            Check: SequenceSettings.CheckHeads),
        new(
            "tisasrec",
            "sasrec's twin with time: attention logits and values add learned embeddings of the interval bucket floor(log2(1 + gap)) between clicks and from each click to now (attention that learns a forgetting curve).",
            false,
            [.. SequenceSettings.CommonParameters, .. SequenceSettings.AttentionParameters],
            (c, s) => new SequenceStrategy(c, SequenceKind.TiSasRec, SequenceSettings.From(s)),
            RunsOnShards: false,
            Check: SequenceSettings.CheckHeads,
            TimeBlindTwin: "sasrec"),
        new("oracle", "top-k by true utility in its own world (upper bound; reads ground truth).", true, [], (_, _) => new OracleStrategy()),
        new(
            "oracle-frozen",
            "top-k by true utility with the true interest frozen at the first tick (prices tracking drift; reads ground truth).",
            true,
            [],
            (c, _) => new OracleFrozenStrategy(c)),
        new(
            "oracle-lagged",
            "top-k by true utility with the true interest as it was lag ticks ago (reads ground truth).",
            true,
            [new StrategyParameter("lag", 5, 0, 1000, "age of the true interest used, in ticks (integer)")],
            (c, s) => new OracleLaggedStrategy(c, (int)s["lag"])),
    ];

    public static StrategyDescriptor? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    /// <summary>The scenario's strategies that cannot run split over shards (<see cref="StrategyDescriptor.RunsOnShards"/>), each named once.</summary>
    public static IReadOnlyList<string> NotRunningOnShards(Scenario scenario) =>
        scenario.Strategies.Select(s => s.Name).Distinct().Where(n => Find(n) is { RunsOnShards: false }).ToArray();

    private static StrategyParameter[] MfParameters() =>
    [
        new("factors", 16, 1, 256, "f: latent factors per user and item (integer)"),
        new("learningRate", 0.05, 0.0, 1.0, "eta: ISGD step size"),
        new("regularization", 0.01, 0.0, 1.0, "lambda: L2 penalty on the factors"),
    ];
}
