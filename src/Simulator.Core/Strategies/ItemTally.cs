using Simulator.Core.World;

namespace Simulator.Core.Strategies;

/// <summary>
/// Per-item click and show counts of one tick, counted per shard and merged in shard order
/// (integers, so exact whatever the schedule). A slate counts as shown only to active users.
/// </summary>
internal static class ItemTally
{
    public static (long[] Clicks, long[] Shows) Count(StrategyContext context, FeedbackContext ctx)
    {
        var k = context.K;
        var m = context.Catalog.Count;
        var parts = context.Shards.Reduce(
            context.Parallel,
            (start, end) =>
            {
                var clicks = new long[m];
                var shows = new long[m];
                for (var u = start; u < end; u++)
                {
                    if (ctx.Active[u] == 0)
                    {
                        continue;
                    }

                    for (var j = 0; j < k; j++)
                    {
                        shows[ctx.Slates[(u * k) + j]]++;
                    }

                    var position = ctx.ChosenPosition[u];
                    if (position >= 0)
                    {
                        clicks[ctx.Slates[(u * k) + position]]++;
                    }
                }

                return (clicks, shows);
            },
            new List<(long[] Clicks, long[] Shows)>(),
            (all, part) =>
            {
                all.Add(part);
                return all;
            },
            PartialCodecs.CountPair);
        var totalClicks = new long[m];
        var totalShows = new long[m];
        foreach (var (clicks, shows) in parts)
        {
            for (var i = 0; i < m; i++)
            {
                totalClicks[i] += clicks[i];
                totalShows[i] += shows[i];
            }
        }

        return (totalClicks, totalShows);
    }

    /// <summary>Writes the same top-k slate of live items (by score, ties: smaller index) to every user.</summary>
    public static void SameSlateForAll(StrategyContext context, RecommendContext ctx, ReadOnlySpan<float> score)
    {
        var k = context.K;
        Span<int> top = stackalloc int[k];
        Span<float> scores = stackalloc float[k];
        Compute.Operators.TopKMath.Clear(top, scores);
        for (var i = 0; i < context.Catalog.LiveCount; i++)
        {
            Compute.Operators.TopKMath.Offer(top, scores, score[i], i);
        }

        var slates = ctx.Slates.Host;
        for (var u = 0; u < context.Users; u++)
        {
            top.CopyTo(slates.AsSpan(u * k, k));
        }
    }
}
