using System.Runtime.Intrinsics;
using Simulator.Core.Checkpoints;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// itemknn-decay: item-to-item kNN over time-decayed co-occurrence of clicks. State: C [M x M]
/// (symmetric co-occurrence), n [M] (click counts), both decayed by gamma every tick, and each
/// user's last H = 5 clicks with their ticks. Update rule at tick t: C &lt;- gamma C, n &lt;- gamma n; then
/// for each click on item j by user u (users in shard order): n_j += 1 and, for every item h in u's
/// history, C[h, j] += 1 and C[j, h] += 1; then j enters u's history. Score of item i for user u:
/// sum over h in the history of gamma^(t - t_h) C[h, i] / sqrt(n_h n_i) (cosine-normalised, recent
/// clicks weigh more) plus 1e-3 n_i / max n (popularity, for users without history) plus 1e-6 keyed
/// noise (varied cold slates); top-k. Memory O(M^2): meant for catalogs of a few thousand items.
/// </summary>
internal sealed class ItemKnnDecayStrategy : IStrategy, ICheckpointable
{
    /// <summary>Clicks remembered per user (H).</summary>
    public const int History = 5;

    private readonly StrategyContext _context;
    private readonly float _decay;
    private readonly float[] _cooccurrence;
    private readonly float[] _counts;
    private readonly int[] _historyItems;
    private readonly int[] _historyTicks;
    private readonly int[] _clicks;

    public ItemKnnDecayStrategy(StrategyContext context, double decay)
    {
        _context = context;
        _decay = (float)decay;
        var m = context.Catalog.Count;
        _cooccurrence = new float[(long)m * m <= int.MaxValue ? m * m : throw new ArgumentException("itemknn-decay needs M x M co-occurrence; the catalog is too large")];
        _counts = new float[m];
        _historyItems = new int[context.Users * History];
        _historyTicks = new int[context.Users * History];
        _clicks = new int[context.Users];
    }

    public string Name => "itemknn-decay";

    /// <summary>Decayed co-occurrence [M x M], row-major.</summary>
    public ReadOnlySpan<float> Cooccurrence => _cooccurrence;

    /// <summary>Decayed click counts [M].</summary>
    public ReadOnlySpan<float> Counts => _counts;

    public void Recommend(RecommendContext ctx)
    {
        // Only items that have arrived may be shown (catalog dynamics); all of them in a static catalog.
        var m = _context.Catalog.LiveCount;
        var k = _context.K;
        var slates = ctx.Slates.Host;
        var most = 0f;
        foreach (var c in _counts)
        {
            most = MathF.Max(most, c);
        }

        var popularity = most > 0f ? 1e-3f / most : 0f;
        var norms = new float[m];
        for (var i = 0; i < m; i++)
        {
            norms[i] = MathF.Sqrt(_counts[i]);
        }

        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            var scores = new float[m];
            Span<int> top = stackalloc int[k];
            Span<float> best = stackalloc float[k];
            for (var u = start; u < end; u++)
            {
                var key = KeyedRandom.UserTickKey(_context.Seed, RandomStreams.StrategyTieBreak, (uint)u, (uint)ctx.Tick);
                for (var i = 0; i < m; i++)
                {
                    scores[i] = (popularity * _counts[i]) + (1e-6f * KeyedRandom.ToOpenUnit(KeyedRandom.BitsAt(key, (uint)i)));
                }

                var held = Math.Min(_clicks[u], History);
                for (var j = 0; j < held; j++)
                {
                    var h = _historyItems[(u * History) + j];
                    if (_counts[h] <= 0f)
                    {
                        continue;
                    }

                    var weight = MathF.Pow(_decay, ctx.Tick - _historyTicks[(u * History) + j]) / MathF.Sqrt(_counts[h]);
                    AddNeighbourScores(scores, _cooccurrence.AsSpan(h * m, m), norms, weight);
                }

                TopKMath.Clear(top, best);
                for (var i = 0; i < m; i++)
                {
                    TopKMath.Offer(top, best, scores[i], i);
                }

                top.CopyTo(slates.AsSpan(u * k, k));
            }
        });
    }

    /// <summary>
    /// scores[i] += weight C[h, i] / sqrt(n_i) where C[h, i] > 0. Vectorised lane by lane with the
    /// same operations in the same order, and +0 where C[h, i] = 0, so the sums are bit-identical
    /// to the scalar loop.
    /// </summary>
    private static void AddNeighbourScores(Span<float> scores, ReadOnlySpan<float> row, ReadOnlySpan<float> norms, float weight)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var w = Vector256.Create(weight);
            for (; i + Vector256<float>.Count <= scores.Length; i += Vector256<float>.Count)
            {
                var c = Vector256.Create(row.Slice(i, Vector256<float>.Count));
                var add = w * c / Vector256.Create(norms.Slice(i, Vector256<float>.Count));
                var sum = Vector256.Create(scores.Slice(i, Vector256<float>.Count)) + Vector256.ConditionalSelect(Vector256.GreaterThan(c, Vector256<float>.Zero), add, Vector256<float>.Zero);
                sum.CopyTo(scores.Slice(i, Vector256<float>.Count));
            }
        }

        for (; i < scores.Length; i++)
        {
            if (row[i] > 0f)
            {
                scores[i] += weight * row[i] / norms[i];
            }
        }
    }

    public void Learn(FeedbackContext ctx)
    {
        var k = _context.K;
        var m = _context.Catalog.Count;
        for (var i = 0; i < _cooccurrence.Length; i++)
        {
            _cooccurrence[i] *= _decay;
        }

        for (var i = 0; i < m; i++)
        {
            _counts[i] *= _decay;
        }

        // Users in index order (= shard order): float additions happen in a fixed order.
        for (var u = 0; u < _context.Users; u++)
        {
            var position = ctx.ChosenPosition[u];
            if (position < 0)
            {
                continue;
            }

            var j = ctx.Slates[(u * k) + position];
            _counts[j] += 1f;
            var held = Math.Min(_clicks[u], History);
            for (var s = 0; s < held; s++)
            {
                var h = _historyItems[(u * History) + s];
                _cooccurrence[(h * m) + j] += 1f;
                if (h != j)
                {
                    _cooccurrence[(j * m) + h] += 1f;
                }
            }

            var slot = (u * History) + (_clicks[u] % History);
            _historyItems[slot] = j;
            _historyTicks[slot] = ctx.Tick;
            _clicks[u]++;
        }
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("knn.cooccurrence", _cooccurrence);
        state.Floats("knn.counts", _counts);
        state.Ints("knn.historyItems", _historyItems);
        state.Ints("knn.historyTicks", _historyTicks);
        state.Ints("knn.clicks", _clicks);
    }

    public void Dispose()
    {
    }
}
