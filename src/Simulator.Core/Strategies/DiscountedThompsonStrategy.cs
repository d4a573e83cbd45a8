using System.Runtime.Intrinsics;
using Simulator.Core.Checkpoints;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// d-ts: discounted Thompson sampling over items with one global Beta posterior per item and a
/// per-user draw. Update rule, every tick: S_i &lt;- gamma S_i + clicks_i, N_i &lt;- gamma N_i + shows_i;
/// posterior Beta(a_i, b_i) with a_i = 1 + S_i, b_i = 1 + N_i - S_i. Each user's slate is the top-k
/// of draws theta_ui, one per item. Approximation (documented): the Beta draw is its moment-matched
/// Normal, theta = m + s z with m = a/(a+b), s^2 = ab/((a+b)^2 (a+b+1)), z keyed by
/// (seed, Thompson stream, user, tick, item) (<see cref="KeyedNormals"/>), so draws are the same
/// whatever the thread count.
/// Tallies are merged in shard order. Memory: O(M); work O(N M) draws per tick, no N x M matrix.
/// </summary>
internal sealed class DiscountedThompsonStrategy(StrategyContext context, double discount) : IStrategy
{
    private readonly double[] _clicks = new double[context.Catalog.Count];
    private readonly double[] _shows = new double[context.Catalog.Count];

    public string Name => "d-ts";

    /// <summary>Posterior parameters (a, b) of item i.</summary>
    internal (double A, double B) Posterior(int i) => (1 + _clicks[i], 1 + _shows[i] - _clicks[i]);

    /// <summary>The approximate Beta draw for (user, tick, item) under the current posterior.</summary>
    internal float Draw(int user, int tick, int item)
    {
        var (a, b) = Posterior(item);
        var mean = a / (a + b);
        var sd = Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
        var z = KeyedNormals.One(KeyedRandom.UserTickKey(context.Seed, RandomStreams.StrategyThompson, (uint)(context.Shards.FirstUser + user), (uint)tick), item);
        return (float)(mean + (sd * z));
    }

    /// <summary>
    /// Items are visited in decreasing order of the largest draw they can produce
    /// (m + s <see cref="KeyedRandom.NormalBound"/>); once that bound falls strictly below the
    /// user's current k-th best draw no later item can enter, so the rest are never drawn. Draws
    /// come eight at a time (<see cref="KeyedNormals"/>). The top-k order is total (score, then
    /// index), so neither the visiting order nor the block size changes the slate.
    /// </summary>
    public void Recommend(RecommendContext ctx)
    {
        var k = context.K;
        var m = context.Catalog.LiveCount;
        var slates = ctx.Slates.Host;
        var means = new double[m];
        var sds = new double[m];
        var bounds = new float[m];
        var order = new int[m];
        for (var i = 0; i < m; i++)
        {
            var (a, b) = Posterior(i);
            means[i] = a / (a + b);
            sds[i] = Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
            bounds[i] = (float)(means[i] + (sds[i] * KeyedRandom.NormalBound));
            order[i] = i;
        }

        Array.Sort(order, (x, y) => bounds[x] != bounds[y] ? bounds[y].CompareTo(bounds[x]) : x.CompareTo(y));
        context.Shards.ForEach(context.Parallel, (start, end) =>
        {
            Span<int> top = stackalloc int[k];
            Span<float> scores = stackalloc float[k];
            Span<float> z = stackalloc float[KeyedNormals.Width];
            for (var u = start; u < end; u++)
            {
                TopKMath.Clear(top, scores);
                var key = KeyedRandom.UserTickKey(context.Seed, RandomStreams.StrategyThompson, (uint)(context.Shards.FirstUser + u), (uint)ctx.Tick);
                for (var b = 0; b < m && bounds[order[b]] >= scores[k - 1]; b += KeyedNormals.Width)
                {
                    var block = order.AsSpan(b, Math.Min(KeyedNormals.Width, m - b));
                    if (block.Length == KeyedNormals.Width)
                    {
                        KeyedNormals.Eight(key, block).CopyTo(z);
                    }
                    else
                    {
                        for (var j = 0; j < block.Length; j++)
                        {
                            z[j] = KeyedNormals.One(key, block[j]);
                        }
                    }

                    for (var j = 0; j < block.Length; j++)
                    {
                        var i = block[j];
                        TopKMath.Offer(top, scores, (float)(means[i] + (sds[i] * z[j])), i);
                    }
                }

                top.CopyTo(slates.AsSpan(u * k, k));
            }
        });
    }

    public void Learn(FeedbackContext ctx)
    {
        var (clicks, shows) = ItemTally.Count(context, ctx);
        for (var i = 0; i < _clicks.Length; i++)
        {
            _clicks[i] = (discount * _clicks[i]) + clicks[i];
            _shows[i] = (discount * _shows[i]) + shows[i];
        }
    }

    public void ExchangeState(StateExchange state)
    {
        state.Doubles("clicks", _clicks);
        state.Doubles("shows", _shows);
    }

    public void Dispose()
    {
    }
}
