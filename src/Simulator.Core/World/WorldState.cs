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
    /// <paramref name="k"/>, its columns bound on <paramref name="engine"/>. <paramref name="shared"/>:
    /// the columns the seed's worlds share (<see cref="SharedWorldColumns"/>: the oracle's scores,
    /// and without a tick observer the per-tick outputs, each valid during this world's turn in the
    /// tick only); null: this world allocates its own (tests).
    /// </summary>
    public WorldState(IComputeEngine engine, int users, int dim, int k, SharedWorldColumns? shared = null)
    {
        Users = users;
        Dim = dim;
        K = k;
        var peak = new float[users * dim];
        Array.Fill(peak, 1f);
        Peak = engine.Bind(peak);
        LastEngaged = engine.Bind(new int[users * dim]);
        _shared = shared;
        Interest = shared?.Interest ?? engine.Bind(new float[users * dim]);
        Slates = shared?.Slates ?? engine.Bind(new int[users * k]);
        IdealSlates = shared?.IdealSlates ?? engine.Bind(new int[users * k]);
        IdealScores = shared?.IdealScores ?? engine.Bind(new float[users * k]);
        ChosenPosition = shared?.ChosenPosition ?? engine.Bind(new int[users]);
        ExpectedCtr = engine.Bind(new float[users]);
        Probabilities = shared?.Probabilities ?? engine.Bind(new float[users * k]);
        Dwell = shared?.Dwell ?? engine.Bind(new float[users]);
        Active = engine.Bind(new byte[users]);
        Churn = new ChurnState(users, Active, ExpectedCtr);
        Peak.Upload();
        LastEngaged.Upload();
    }

    private readonly SharedWorldColumns? _shared;

    public int Users { get; }

    public int Dim { get; }

    public int K { get; }

    /// <summary>Interest strength right after the last engagement, per user x topic.</summary>
    public IColumn<float> Peak { get; }

    /// <summary>Tick of the last engagement per user x topic (time since = tick - value).</summary>
    public IColumn<int> LastEngaged { get; }

    /// <summary>True interest this tick: preference x forgetting strength (output of Forget); shared by the seed's worlds (valid during this world's turn in the tick only) when no tick observer reads them.</summary>
    public IColumn<float> Interest { get; }

    /// <summary>The strategy's slate per user, best first; shared by the seed's worlds (valid during this world's turn in the tick only) when every strategy is built in and no tick observer reads them.</summary>
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

    /// <summary>
    /// Bytes held by this world's own columns (for memory estimates): forgetting state, slates,
    /// expected CTR, activity and churn, plus the per-tick outputs unless the seed's worlds share
    /// them (<paramref name="sharedTickOutputs"/>: no tick observer), and the slates unless they
    /// share those too (<paramref name="sharedSlates"/>: every strategy built in).
    /// </summary>
    /// <remarks>The oracle's scores are shared by the seed's worlds: counted once, in <see cref="SharedWorldColumns.BytesPerUser"/>.</remarks>
    public static long BytesPerUser(int dim, int k, bool sharedTickOutputs = false, bool sharedSlates = false) =>
        (4L * dim * 2) + (sharedTickOutputs && sharedSlates ? 0L : 4L * k) + 4 + 1 + ChurnState.BytesPerUser + (sharedTickOutputs ? 0L : TickOutputBytesPerUser(dim, k));

    /// <summary>Bytes per user of the per-tick outputs (true interest, ideal slates, choice probabilities, chosen position, dwell), shared by the seed's worlds without a tick observer.</summary>
    public static long TickOutputBytesPerUser(int dim, int k) => (4L * dim) + (4L * k * 2) + (4L * 2);

    /// <summary>
    /// Peak and LastEngaged carry forgetting across ticks; the per-tick columns are rewritten
    /// every tick but saved too (a shared column holds whichever world wrote it last: every world
    /// rewrites it in its turn before reading it, so a resumed run is unaffected). Kernel outputs
    /// are downloaded before saving; the slates are written on the host by strategies.
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
        ExpectedCtr.Dispose();
        DisposeOwn(Slates, _shared?.Slates);
        Active.Dispose();
        DisposeOwn(Interest, _shared?.Interest);
        DisposeOwn(IdealSlates, _shared?.IdealSlates);
        DisposeOwn(IdealScores, _shared?.IdealScores);
        DisposeOwn(ChosenPosition, _shared?.ChosenPosition);
        DisposeOwn(Probabilities, _shared?.Probabilities);
        DisposeOwn(Dwell, _shared?.Dwell);
    }

    /// <summary>Disposes a column unless it is the seed's shared one (the simulation disposes those).</summary>
    private static void DisposeOwn<T>(IColumn<T> column, IColumn<T>? shared)
        where T : unmanaged
    {
        if (!ReferenceEquals(column, shared))
        {
            column.Dispose();
        }
    }
}
