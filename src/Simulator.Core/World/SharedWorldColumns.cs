using Simulator.Core.Compute;

namespace Simulator.Core.World;

/// <summary>
/// The columns every world of a seed shares because each world rewrites them before it reads them
/// and nothing reads them after that world's turn in the tick (the worlds run their tick one after
/// another): the oracle's scores always; with <c>tickOutputs</c> (no tick observer reads a world's
/// outputs after the tick), also the true interest, the ideal slates, the chosen positions, the
/// dwell and the choice probabilities; with <c>slates</c> too, the strategies' slates (only when
/// every strategy is built in: each writes every user's slate in its Recommend, and whatever reads
/// a slate reads only active users' in the same turn). Null columns: each world keeps its own.
/// </summary>
internal sealed class SharedWorldColumns : IDisposable
{
    /// <summary>Binds the shared columns for <paramref name="users"/> x <paramref name="dim"/> topics and slates of <paramref name="k"/>.</summary>
    public SharedWorldColumns(IComputeEngine engine, int users, int dim, int k, bool tickOutputs, bool slates = false)
    {
        IdealScores = engine.Bind(new float[users * k]);
        if (tickOutputs)
        {
            Interest = engine.Bind(new float[users * dim]);
            IdealSlates = engine.Bind(new int[users * k]);
            ChosenPosition = engine.Bind(new int[users]);
            Dwell = engine.Bind(new float[users]);
            Probabilities = engine.Bind(new float[users * k]);
            Slates = slates ? engine.Bind(new int[users * k]) : null;
        }
    }

    public IColumn<int>? Slates { get; }

    public IColumn<float> IdealScores { get; }

    public IColumn<float>? Interest { get; }

    public IColumn<int>? IdealSlates { get; }

    public IColumn<int>? ChosenPosition { get; }

    public IColumn<float>? Dwell { get; }

    public IColumn<float>? Probabilities { get; }

    /// <summary>Bytes per user of the shared columns.</summary>
    public static long BytesPerUser(int dim, int k, bool tickOutputs, bool slates = false) =>
        (4L * k) + (tickOutputs ? WorldState.TickOutputBytesPerUser(dim, k) + (slates ? 4L * k : 0L) : 0L);

    public void Dispose()
    {
        IdealScores.Dispose();
        Interest?.Dispose();
        IdealSlates?.Dispose();
        ChosenPosition?.Dispose();
        Dwell?.Dispose();
        Probabilities?.Dispose();
        Slates?.Dispose();
    }
}
