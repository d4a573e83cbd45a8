using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;

namespace Simulator.Core.World;

/// <summary>
/// One strategy's counterfactual world: only what differs between worlds, because what a
/// strategy recommends changes its users. Shared, read-only state (catalog, preferences,
/// forgetting parameters) lives in <see cref="Population"/> and <see cref="Catalog"/>.
/// Layout: N x d and N x k columns row-major per user.
/// </summary>
internal sealed class WorldState : IDisposable, ICheckpointable
{
    /// <summary>
    /// A world of <paramref name="users"/> x <paramref name="dim"/> topics and slates of
    /// <paramref name="k"/>, its columns bound on <paramref name="engine"/>.
    /// <paramref name="idealScores"/>: the oracle's scores [N x k], shared by every world of a
    /// seed: they are rewritten and checked by each world's Recommend stage and read by nothing
    /// after it, and the worlds run that stage one after another. Null: this world allocates its
    /// own (tests). <paramref name="probabilities"/>: the choice probabilities [N x k], shared by
    /// the seed's worlds when nothing reads them after each world's Respond stage (no tick
    /// observer); null: this world's own.
    /// </summary>
    public WorldState(IComputeEngine engine, int users, int dim, int k, IColumn<float>? idealScores = null, IColumn<float>? probabilities = null)
    {
        Users = users;
        Dim = dim;
        K = k;
        var peak = new float[users * dim];
        Array.Fill(peak, 1f);
        Peak = engine.Bind(peak);
        LastEngaged = engine.Bind(new int[users * dim]);
        Interest = engine.Bind(new float[users * dim]);
        Slates = engine.Bind(new int[users * k]);
        IdealSlates = engine.Bind(new int[users * k]);
        _ownsIdealScores = idealScores is null;
        IdealScores = idealScores ?? engine.Bind(new float[users * k]);
        ChosenPosition = engine.Bind(new int[users]);
        ExpectedCtr = engine.Bind(new float[users]);
        _ownsProbabilities = probabilities is null;
        Probabilities = probabilities ?? engine.Bind(new float[users * k]);
        Dwell = engine.Bind(new float[users]);
        Active = engine.Bind(new byte[users]);
        Churn = new ChurnState(users, Active, ExpectedCtr);
        Peak.Upload();
        LastEngaged.Upload();
    }

    private readonly bool _ownsIdealScores;
    private readonly bool _ownsProbabilities;

    public int Users { get; }

    public int Dim { get; }

    public int K { get; }

    /// <summary>Interest strength right after the last engagement, per user x topic.</summary>
    public IColumn<float> Peak { get; }

    /// <summary>Tick of the last engagement per user x topic (time since = tick - value).</summary>
    public IColumn<int> LastEngaged { get; }

    /// <summary>True interest this tick: preference x forgetting strength (output of Forget).</summary>
    public IColumn<float> Interest { get; }

    /// <summary>The strategy's slate per user, best first.</summary>
    public IColumn<int> Slates { get; }

    /// <summary>The oracle's slate in this world: top-k by true utility (for metrics and the oracle strategy).</summary>
    public IColumn<int> IdealSlates { get; }

    /// <summary>The oracle's scores (true utility divided by the interest weight); valid during this world's Recommend stage only (shared by the seed's worlds).</summary>
    public IColumn<float> IdealScores { get; }

    public IColumn<int> ChosenPosition { get; }

    public IColumn<float> ExpectedCtr { get; }

    /// <summary>Choice probabilities of the slate's items; shared by the seed's worlds (valid during this world's Respond stage only) when no tick observer reads them.</summary>
    public IColumn<float> Probabilities { get; }

    public IColumn<float> Dwell { get; }

    /// <summary>1 when the user is active in this world this tick: arrived (shared) and not churned (this world's).</summary>
    public IColumn<byte> Active { get; }

    /// <summary>This world's churn state (depends on what its strategy showed).</summary>
    public ChurnState Churn { get; }

    /// <summary>Bytes held by this world's columns (for memory estimates).</summary>
    /// <remarks>The oracle's scores are shared by the seed's worlds: counted once, in <see cref="SharedBytesPerUser"/>.</remarks>
    public static long BytesPerUser(int dim, int k) => (4L * dim * 3) + (4L * k * 3) + (4L * 3) + 1 + ChurnState.BytesPerUser;

    /// <summary>Bytes per user of the columns every world of a seed shares (the oracle's scores).</summary>
    public static long SharedBytesPerUser(int k) => 4L * k;

    /// <summary>
    /// Peak and LastEngaged carry forgetting across ticks; the per-tick columns are rewritten
    /// every tick but kept too (strategies may read last tick's slates of inactive users). Kernel
    /// outputs are downloaded before saving; the slates are written on the host by strategies.
    /// </summary>
    public void ExchangeState(StateExchange state)
    {
        state.KernelOutput("peak", Peak);
        state.KernelOutput("lastEngaged", LastEngaged);
        state.KernelOutput("interest", Interest);
        state.Column("slates", Slates);
        state.KernelOutput("idealSlates", IdealSlates);
        state.KernelOutput("chosenPosition", ChosenPosition);
        state.KernelOutput("expectedCtr", ExpectedCtr);
        state.KernelOutput("probabilities", Probabilities);
        state.KernelOutput("dwell", Dwell);
        Churn.ExchangeState(new ScopedExchange(state, "churn."));
    }

    public void Dispose()
    {
        Peak.Dispose();
        LastEngaged.Dispose();
        Interest.Dispose();
        Slates.Dispose();
        IdealSlates.Dispose();
        if (_ownsIdealScores)
        {
            IdealScores.Dispose();
        }

        ChosenPosition.Dispose();
        ExpectedCtr.Dispose();
        if (_ownsProbabilities)
        {
            Probabilities.Dispose();
        }

        Dwell.Dispose();
        Active.Dispose();
    }
}
