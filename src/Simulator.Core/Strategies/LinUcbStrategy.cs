using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;
using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.World;

namespace Simulator.Core.Strategies;

/// <summary>
/// linucb: LinUCB (Li et al. 2010) with one linear model shared by all items and users (the
/// shared-parameter part of hybrid LinUCB, without per-arm terms, so it scales to any catalog):
/// the context of item i for user u is z_ui = v_u (elementwise) x_i, v_u the user's EMA of clicked
/// item embeddings (v &lt;- (1 - 0.3) v + 0.3 x on a click; cold users start at the keyed cold-start
/// vector). Score: theta . z + c sqrt(z^T A^-1 z), theta = A^-1 b. Update rule per shown item j of
/// every active user: A &lt;- A + z z^T, b &lt;- b + y z (y = 1 if clicked), summed per shard and merged
/// in shard order; A starts at the identity and A^-1 is recomputed once per tick. The exploration
/// bonus costs d^2 per item, so it is evaluated on the min(<see cref="CandidatesPerSlot"/> k,
/// <see cref="MaxCandidates"/>) items with the best mean score theta . z = (theta (.) v_u) . x_i,
/// found by the engine's fused score-and-top-k; the others cannot enter the slate.
/// </summary>
internal sealed class LinUcbStrategy : IStrategy, IInterestEstimator, ICheckpointable
{
    /// <summary>Candidates per slate position re-ranked with the exploration bonus.</summary>
    public const int CandidatesPerSlot = 4;

    /// <summary>At most this many candidates per user: the ILGPU engine's top-k keeps up to 64 per user.</summary>
    public const int MaxCandidates = 64;

    /// <summary>
    /// Users whose candidate pools are found at once: the weighted contexts, the pool and its mean
    /// scores are scratch of this many rows (not one row per user), reused block after block. Each
    /// user's pool depends on that user's row alone, so the blocks change no result.
    /// </summary>
    public const int BlockUsers = 16_384;

    /// <summary>Rows of a block one worker takes at a time.</summary>
    private const int PartRows = 2_048;

    /// <summary>Weight of the newest click in the user context v.</summary>
    public const float ContextRate = 0.3f;

    private readonly StrategyContext _context;
    private readonly float _exploration;
    private readonly float[] _contexts;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly float[] _theta;
    private readonly float[] _inverse;
    private readonly IColumn<float> _weighted;
    private readonly IColumn<int> _pool;
    private readonly IColumn<float> _poolScores;
    private readonly int _candidates;
    private readonly int _block;

    /// <summary>A LinUCB strategy over the context's users and catalog.</summary>
    /// <param name="context">The seed's strategy context.</param>
    /// <param name="exploration">c: weight of the exploration bonus.</param>
    /// <param name="blockUsers">Users whose candidate pools are found at once (tests: several blocks on a small population).</param>
    public LinUcbStrategy(StrategyContext context, double exploration, int blockUsers = BlockUsers)
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
        _candidates = Candidates(context.K);
        _block = Math.Clamp(blockUsers, 1, Math.Max(1, context.Users));
        _weighted = context.Engine.Bind(new float[_block * d]);
        _pool = context.Engine.Bind(new int[_block * _candidates]);
        _poolScores = context.Engine.Bind(new float[_block * _candidates]);
        Solve();
    }

    /// <summary>Candidates per user re-ranked with the exploration bonus, for slate size k.</summary>
    public static int Candidates(int k) => Math.Min(CandidatesPerSlot * k, MaxCandidates);

    public string Name => "linucb";

    /// <summary>The user contexts v [N x d] (EMA of clicked embeddings).</summary>
    public float[] InterestEstimate => _contexts;

    /// <summary>theta = A^-1 b.</summary>
    public ReadOnlySpan<float> Theta => _theta;

    /// <summary>Reference of the mean score theta . z_ui, straight from the definition in double.</summary>
    internal double ReferenceMean(int user, int item) => ReferenceTerms(user, item).Mean;

    /// <summary>Reference of the slate score theta . z + c sqrt(z^T A^-1 z), straight from the definition in double.</summary>
    internal double ReferenceScore(int user, int item)
    {
        var (mean, quadratic) = ReferenceTerms(user, item);
        return mean + (_exploration * Math.Sqrt(Math.Max(0.0, quadratic)));
    }

    private (double Mean, double Quadratic) ReferenceTerms(int user, int item)
    {
        var d = _context.Dim;
        var items = _context.Catalog.Items.Host;
        var z = new double[d];
        for (var g = 0; g < d; g++)
        {
            z[g] = (double)_contexts[(user * d) + g] * items[(item * d) + g];
        }

        var mean = 0.0;
        var quadratic = 0.0;
        for (var g = 0; g < d; g++)
        {
            mean += _theta[g] * z[g];
            for (var h = 0; h < d; h++)
            {
                quadratic += z[g] * _inverse[(g * d) + h] * z[h];
            }
        }

        return (mean, quadratic);
    }

    public void Recommend(RecommendContext ctx)
    {
        for (var first = 0; first < _context.Users; first += _block)
        {
            RecommendBlock(ctx, first, Math.Min(_context.Users, first + _block));
        }
    }

    /// <summary>Slates of users [first, end): each user's candidate pool by mean score (engine), then the exploration bonus on the pool.</summary>
    private void RecommendBlock(RecommendContext ctx, int first, int end)
    {
        var d = _context.Dim;
        var k = _context.K;
        var m = _context.Catalog.LiveCount;
        var candidates = Math.Min(m, _candidates);
        var users = end - first;
        var weighted = _weighted.Host;
        ForEachRange(users, (start, stop) =>
        {
            for (var r = start; r < stop; r++)
            {
                var u = first + r;
                for (var g = 0; g < d; g++)
                {
                    weighted[(r * d) + g] = _theta[g] * _contexts[(u * d) + g];
                }
            }
        });
        _weighted.Upload();
        _context.Engine.ScoreTopK(new ScoreTopKOperands(
            users, m, d, candidates, _weighted, _context.Catalog.Items, null, _pool, _poolScores));
        _pool.Download();
        _poolScores.Download();

        var items = _context.Catalog.Items.Host;
        var pool = _pool.Host;
        var poolScores = _poolScores.Host;
        var slates = ctx.Slates.Host;
        ForEachRange(users, (start, stop) =>
        {
            Span<int> top = stackalloc int[k];
            Span<float> topScores = stackalloc float[k];
            Span<float> z = stackalloc float[d];
            Span<float> y = stackalloc float[d];
            for (var r = start; r < stop; r++)
            {
                var u = first + r;
                var v = _contexts.AsSpan(u * d, d);
                TopKMath.Clear(top, topScores);
                for (var c = 0; c < candidates; c++)
                {
                    var item = pool[(r * candidates) + c];
                    var x = items.AsSpan(item * d, d);
                    for (var g = 0; g < d; g++)
                    {
                        z[g] = v[g] * x[g];
                    }

                    var bonus = _exploration * MathF.Sqrt(MathF.Max(0f, Quadratic(z, y)));
                    TopKMath.Offer(top, topScores, poolScores[(r * candidates) + c] + bonus, item);
                }

                top.CopyTo(slates.AsSpan(u * k, k));
            }
        });
    }

    /// <summary>Per-user work over rows [0, users) of a block, in parts of <see cref="PartRows"/> rows run on the workers (each row's result depends on that row alone).</summary>
    private void ForEachRange(int users, Action<int, int> body)
    {
        var parts = (users + PartRows - 1) / PartRows;
        if (parts <= 1 || _context.Parallel.MaxDegreeOfParallelism == 1)
        {
            body(0, users);
            return;
        }

        Parallel.For(0, parts, _context.Parallel, p => body(p * PartRows, Math.Min(users, (p + 1) * PartRows)));
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
                        }

                        AddOuterProduct(a, z);
                    }
                }

                return (a, b);
            },
            new List<(double[] A, double[] B)>(),
            (all, part) =>
            {
                all.Add(part);
                return all;
            },
            PartialCodecs.DoublePair);
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
        _weighted.Dispose();
        _pool.Dispose();
        _poolScores.Dispose();
    }

    /// <summary>
    /// a += z z^T, each product z_g z_h rounded to float and added in double as the scalar
    /// definition does; eight products per vector where d allows, so the sums are bit-identical.
    /// </summary>
    private static unsafe void AddOuterProduct(double[] a, ReadOnlySpan<float> z)
    {
        var d = z.Length;
        var vectorEnd = Avx.IsSupported ? d - (d % Vector256<float>.Count) : 0;
        fixed (double* ap = a)
        fixed (float* zp = z)
        {
            for (var g = 0; g < d; g++)
            {
                var row = ap + (g * d);
                var zg = zp[g];
                var vz = Vector256.Create(zg);
                var h = 0;
                for (; h < vectorEnd; h += Vector256<float>.Count)
                {
                    var product = vz * Vector256.Load(zp + h);
                    (Vector256.Load(row + h) + Avx.ConvertToVector256Double(product.GetLower())).Store(row + h);
                    (Vector256.Load(row + h + 4) + Avx.ConvertToVector256Double(product.GetUpper())).Store(row + h + 4);
                }

                for (; h < d; h++)
                {
                    row[h] += zg * zp[h];
                }
            }
        }
    }

    /// <summary>
    /// z^T A^-1 z as z . y with y = sum over h of z_h row_h(A^-1) (A^-1 is symmetric): rows are
    /// walked with pointers, eight lanes at a time where d allows; y is scratch of length d.
    /// </summary>
    private unsafe float Quadratic(ReadOnlySpan<float> z, Span<float> y)
    {
        var d = z.Length;
        var vectorEnd = Vector256.IsHardwareAccelerated ? d - (d % Vector256<float>.Count) : 0;
        fixed (float* inverse = _inverse)
        fixed (float* zp = z)
        fixed (float* yp = y)
        {
            if (vectorEnd == 16 && d == 16)
            {
                // The common d = 16: y stays in two registers instead of a store-to-load chain per row.
                var y0 = Vector256<float>.Zero;
                var y1 = Vector256<float>.Zero;
                for (var h = 0; h < 16; h++)
                {
                    var vz = Vector256.Create(zp[h]);
                    y0 = Vector256.FusedMultiplyAdd(vz, Vector256.Load(inverse + (h * 16)), y0);
                    y1 = Vector256.FusedMultiplyAdd(vz, Vector256.Load(inverse + (h * 16) + 8), y1);
                }

                y0.Store(yp);
                y1.Store(yp + 8);
                return Dot(zp, yp, d);
            }

            for (var g = 0; g < d; g++)
            {
                yp[g] = 0f;
            }

            for (var h = 0; h < d; h++)
            {
                var row = inverse + (h * d);
                var zh = zp[h];
                var vz = Vector256.Create(zh);
                var g = 0;
                for (; g < vectorEnd; g += Vector256<float>.Count)
                {
                    Vector256.FusedMultiplyAdd(vz, Vector256.Load(row + g), Vector256.Load(yp + g)).Store(yp + g);
                }

                for (; g < d; g++)
                {
                    yp[g] = MathF.FusedMultiplyAdd(zh, row[g], yp[g]);
                }
            }

            return Dot(zp, yp, d);
        }
    }

    /// <summary>z . y as one fused multiply-add chain in index order.</summary>
    private static unsafe float Dot(float* z, float* y, int d)
    {
        var q = 0f;
        for (var g = 0; g < d; g++)
        {
            q = MathF.FusedMultiplyAdd(z[g], y[g], q);
        }

        return q;
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
