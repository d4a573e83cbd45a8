using MathNet.Numerics.LinearAlgebra;
using Simulator.Core.Checkpoints;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Strategies;

/// <summary>
/// linucb: LinUCB (Li et al. 2010) with one linear model shared by all items and users (the
/// shared-parameter part of hybrid LinUCB, without per-arm terms, so it scales to any catalog):
/// the context of item i for user u is z_ui = v_u (elementwise) x_i, v_u the user's EMA of clicked
/// item embeddings (v &lt;- (1 - 0.3) v + 0.3 x on a click; cold users start at the keyed cold-start
/// vector). Score: theta . z + c sqrt(z^T A^-1 z), theta = A^-1 b. Update rule per shown item j of
/// every active user: A &lt;- A + z z^T, b &lt;- b + y z (y = 1 if clicked), summed per shard and merged
/// in shard order; A starts at the identity and A^-1 is recomputed once per tick. The exploration
/// bonus costs d^2 per item, so it is evaluated on the <see cref="CandidatesPerSlot"/> k items
/// with the best mean score theta . z; the others cannot enter the slate.
/// </summary>
public sealed class LinUcbStrategy : IStrategy, IInterestEstimator, ICheckpointable
{
    /// <summary>Candidates per slate position re-ranked with the exploration bonus.</summary>
    public const int CandidatesPerSlot = 4;

    /// <summary>Weight of the newest click in the user context v.</summary>
    public const float ContextRate = 0.3f;

    private readonly StrategyContext _context;
    private readonly float _exploration;
    private readonly float[] _contexts;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly float[] _theta;
    private readonly float[] _inverse;

    public LinUcbStrategy(StrategyContext context, double exploration)
    {
        _context = context;
        _exploration = (float)exploration;
        var d = context.Dim;
        _contexts = new float[context.Users * d];
        for (var u = 0; u < context.Users; u++)
        {
            UserVectorScorer.ColdStart(context, u, _contexts.AsSpan(u * d, d), 1f);
        }

        _a = new double[d * d];
        for (var g = 0; g < d; g++)
        {
            _a[(g * d) + g] = 1.0;
        }

        _b = new double[d];
        _theta = new float[d];
        _inverse = new float[d * d];
        Solve();
    }

    public string Name => "linucb";

    /// <summary>The user contexts v [N x d] (EMA of clicked embeddings).</summary>
    public float[] InterestEstimate => _contexts;

    /// <summary>theta = A^-1 b.</summary>
    public ReadOnlySpan<float> Theta => _theta;

    public void Recommend(RecommendContext ctx)
    {
        var d = _context.Dim;
        var k = _context.K;
        var m = _context.Catalog.LiveCount;
        var items = _context.Catalog.Items.Host;
        var slates = ctx.Slates.Host;
        var candidates = Math.Min(m, CandidatesPerSlot * k);
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            Span<int> pool = stackalloc int[candidates];
            Span<float> poolScores = stackalloc float[candidates];
            Span<int> top = stackalloc int[k];
            Span<float> topScores = stackalloc float[k];
            Span<float> z = stackalloc float[d];
            Span<float> weighted = stackalloc float[d];
            for (var u = start; u < end; u++)
            {
                var v = _contexts.AsSpan(u * d, d);
                for (var g = 0; g < d; g++)
                {
                    weighted[g] = _theta[g] * v[g];
                }

                TopKMath.Clear(pool, poolScores);
                for (var i = 0; i < m; i++)
                {
                    var x = items.AsSpan(i * d, d);
                    var mean = 0f;
                    for (var g = 0; g < d; g++)
                    {
                        mean += weighted[g] * x[g];
                    }

                    TopKMath.Offer(pool, poolScores, mean, i);
                }

                TopKMath.Clear(top, topScores);
                for (var c = 0; c < candidates; c++)
                {
                    var x = items.AsSpan(pool[c] * d, d);
                    for (var g = 0; g < d; g++)
                    {
                        z[g] = v[g] * x[g];
                    }

                    TopKMath.Offer(top, topScores, poolScores[c] + (_exploration * MathF.Sqrt(MathF.Max(0f, Quadratic(z)))), pool[c]);
                }

                top.CopyTo(slates.AsSpan(u * k, k));
            }
        });
    }

    public void Learn(FeedbackContext ctx)
    {
        var d = _context.Dim;
        var k = _context.K;
        var items = _context.Catalog.Items.Host;
        var parts = _context.Shards.Reduce(
            _context.Parallel,
            (start, end) =>
            {
                var a = new double[d * d];
                var b = new double[d];
                Span<float> z = stackalloc float[d];
                for (var u = start; u < end; u++)
                {
                    if (ctx.Active[u] == 0)
                    {
                        continue;
                    }

                    var v = _contexts.AsSpan(u * d, d);
                    for (var j = 0; j < k; j++)
                    {
                        var x = items.AsSpan(ctx.Slates[(u * k) + j] * d, d);
                        for (var g = 0; g < d; g++)
                        {
                            z[g] = v[g] * x[g];
                        }

                        var y = j == ctx.ChosenPosition[u] ? 1.0 : 0.0;
                        for (var g = 0; g < d; g++)
                        {
                            b[g] += y * z[g];
                            for (var h = 0; h < d; h++)
                            {
                                a[(g * d) + h] += z[g] * z[h];
                            }
                        }
                    }
                }

                return (a, b);
            },
            new List<(double[] A, double[] B)>(),
            (all, part) =>
            {
                all.Add(part);
                return all;
            });
        foreach (var (a, b) in parts)
        {
            for (var i = 0; i < a.Length; i++)
            {
                _a[i] += a[i];
            }

            for (var g = 0; g < d; g++)
            {
                _b[g] += b[g];
            }
        }

        Solve();

        // The context moves after the model update, which used the context the slate was scored with.
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var position = ctx.ChosenPosition[u];
                if (position < 0)
                {
                    continue;
                }

                var v = _contexts.AsSpan(u * d, d);
                var x = items.AsSpan(ctx.Slates[(u * k) + position] * d, d);
                for (var g = 0; g < d; g++)
                {
                    v[g] = ((1f - ContextRate) * v[g]) + (ContextRate * x[g]);
                }
            }
        });
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("linucb.contexts", _contexts);
        state.Doubles("linucb.a", _a);
        state.Doubles("linucb.b", _b);
        if (state.IsRestoring)
        {
            Solve();
        }
    }

    public void Dispose()
    {
    }

    private float Quadratic(ReadOnlySpan<float> z)
    {
        var d = z.Length;
        var sum = 0f;
        for (var g = 0; g < d; g++)
        {
            var row = 0f;
            for (var h = 0; h < d; h++)
            {
                row += _inverse[(g * d) + h] * z[h];
            }

            sum += z[g] * row;
        }

        return sum;
    }

    /// <summary>A^-1 and theta = A^-1 b (A is symmetric positive definite: the identity plus outer products).</summary>
    private void Solve()
    {
        var d = _context.Dim;
        var a = Matrix<double>.Build.Dense(d, d, (g, h) => _a[(g * d) + h]);
        var inverse = a.Inverse();
        var theta = inverse * Vector<double>.Build.DenseOfArray(_b);
        for (var g = 0; g < d; g++)
        {
            _theta[g] = (float)theta[g];
            for (var h = 0; h < d; h++)
            {
                _inverse[(g * d) + h] = (float)inverse[g, h];
            }
        }
    }
}
