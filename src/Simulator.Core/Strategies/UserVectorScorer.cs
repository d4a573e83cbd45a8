using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// Shared plumbing of strategies that score items by &lt;v_u, x_i&gt; (+ optional item bias): a bound
/// [N x d] user-vector column and the engine's ScoreTopK (never an N x M score matrix). The top-k
/// scores ScoreTopK writes beside the slates are read by nothing: one column shared by the seed's
/// strategies (<see cref="StrategyScratch.SlateScores"/>); with <c>rebuiltVectors</c> the vectors too
/// (<see cref="StrategyScratch.Vectors"/>: a strategy that rebuilds them in every Recommend).
/// </summary>
internal sealed class UserVectorScorer : IDisposable
{
    private readonly StrategyContext _context;
    private readonly IColumn<float> _scores;
    private readonly bool _ownsScores;
    private readonly bool _ownsVectors;

    /// <summary>A scorer for the users of <paramref name="context"/>; <paramref name="rebuiltVectors"/>: the strategy rewrites every user's vector in each Recommend and reads it only in its world's turn of the tick, so the vectors may be the seed's shared scratch.</summary>
    public UserVectorScorer(StrategyContext context, bool rebuiltVectors = false)
    {
        _context = context;
        if (rebuiltVectors)
        {
            Vectors = context.ScratchOrOwn(StrategyScratch.Vectors, context.Dim, out _ownsVectors);
        }
        else
        {
            Vectors = context.Engine.Bind(new float[context.Users * context.Dim]);
            _ownsVectors = true;
        }

        _scores = context.ScratchOrOwn(StrategyScratch.SlateScores, context.K, out _ownsScores);
    }

    /// <summary>The user vectors [N x d], row-major; fill <c>Vectors.Host</c> before <see cref="Score"/>.</summary>
    public IColumn<float> Vectors { get; }

    /// <summary>
    /// Uploads the vectors, scores every live item per user and writes the top-k slates (host).
    /// <paramref name="items"/> replaces the catalog's item vectors (a strategy's own learned embeddings, [M x d]).
    /// </summary>
    public void Score(IColumn<int> slates, IColumn<float>? itemBias = null, IColumn<float>? items = null)
    {
        Vectors.Upload();
        ScoreResident(slates, itemBias, items);
    }

    /// <summary>As <see cref="Score"/> when the engine itself wrote the vectors (no upload of the host copy).</summary>
    public void ScoreResident(IColumn<int> slates, IColumn<float>? itemBias = null, IColumn<float>? items = null)
    {
        _context.Engine.ScoreTopK(new ScoreTopKOperands(
            _context.Users, _context.Catalog.LiveCount, _context.Dim, _context.K, Vectors, items ?? _context.Catalog.Items, itemBias, slates, _scores));
        slates.Download();
    }

    /// <summary>Cold-start vector of a user: scale * (1/d) (1 + 0.1 z_g), z keyed by (seed, cold-start stream, user, g).</summary>
    public static void ColdStart(StrategyContext context, int user, Span<float> vector, float scale)
    {
        var d = vector.Length;
        for (var g = 0; g < d; g++)
        {
            vector[g] = scale * (1f / d) * (1f + (0.1f * KeyedRandom.Normal(context.Seed, RandomStreams.StrategyColdStart, (uint)(context.Shards.FirstUser + user), 0, (uint)g)));
        }
    }

    /// <summary>The user vectors; scores are recomputed from them on every recommendation.</summary>
    public void ExchangeState(StateExchange state) => state.Column("vectors", Vectors);

    public void Dispose()
    {
        if (_ownsVectors)
        {
            Vectors.Dispose();
        }

        if (_ownsScores)
        {
            _scores.Dispose();
        }
    }
}
