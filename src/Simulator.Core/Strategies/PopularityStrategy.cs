using Simulator.Core.Checkpoints;
using Simulator.Core.Compute.Operators;
using Simulator.Core.World;

namespace Simulator.Core.Strategies;

/// <summary>
/// popularity: everyone gets the k live items with the most clicks so far (ties: smaller index).
/// Update rule: count[i] += 1 for every click on i. Counts are summed per shard and merged in
/// shard order (integers, so the result is exact whatever the schedule).
/// </summary>
internal sealed class PopularityStrategy(StrategyContext context) : IStrategy
{
    private readonly long[] _counts = new long[context.Catalog.Count];

    public string Name => "popularity";

    public void Recommend(RecommendContext ctx)
    {
        var k = context.K;
        Span<int> top = stackalloc int[k];
        Span<float> scores = stackalloc float[k];
        TopKMath.Clear(top, scores);
        for (var i = 0; i < context.Catalog.LiveCount; i++)
        {
            TopKMath.Offer(top, scores, _counts[i], i);
        }

        var slates = ctx.Slates.Host;
        for (var u = 0; u < context.Users; u++)
        {
            top.CopyTo(slates.AsSpan(u * k, k));
        }
    }

    public void Learn(FeedbackContext ctx)
    {
        var k = context.K;
        var perShard = context.Shards.Reduce(
            context.Parallel,
            (start, end) =>
            {
                var clicks = new List<int>();
                for (var u = start; u < end; u++)
                {
                    var position = ctx.ChosenPosition[u];
                    if (position >= 0)
                    {
                        clicks.Add(ctx.Slates[(u * k) + position]);
                    }
                }

                return clicks;
            },
            new List<List<int>>(),
            (all, part) =>
            {
                all.Add(part);
                return all;
            },
            PartialCodecs.Ints);
        foreach (var clicks in perShard)
        {
            foreach (var item in clicks)
            {
                _counts[item]++;
            }
        }
    }

    public void ExchangeState(StateExchange state) => state.Longs("counts", _counts);

    public void Dispose()
    {
    }
}
