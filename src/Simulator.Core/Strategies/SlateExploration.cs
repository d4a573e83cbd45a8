using Simulator.Core.Checkpoints;
using Simulator.Core.Randomness;
using Simulator.Core.World;

namespace Simulator.Core.Strategies;

/// <summary>
/// A learned strategy's <c>explore</c> share: after the strategy ranks, each of the k slots is
/// spent on exploration with probability <see cref="Share"/> (keyed draw per user, tick and slot,
/// so the same slots whatever the thread count). The explored slots are the bottom of the slate
/// (the strategy's weakest picks give way); they show, in turn, the topics the user engaged with
/// longest ago (oldest last click first), then topics never engaged (most uncertain, in keyed
/// order), one live item of each drawn uniformly among the topic's items not already shown.
/// Why: a greedy strategy mostly shows topics clicked a tick or two ago, so the forgetting curve
/// is sampled only at short gaps; explored slots sample it at long ones, at a price in ndcg.
/// State: the tick of each user's last click per primary topic [N x d], updated from the feedback
/// the strategy itself sees (never the truth).
/// </summary>
internal sealed class SlateExploration : ICheckpointable
{
    private readonly StrategyContext _context;
    private readonly int[] _lastClick;

    /// <summary>Items per primary topic, ascending index, so the live ones are a prefix.</summary>
    private readonly int[][] _topicItems;

    public SlateExploration(StrategyContext context, double share)
    {
        _context = context;
        Share = share;
        _lastClick = new int[context.Users * context.Dim];
        Array.Fill(_lastClick, -1);
        var topics = context.Catalog.Topic.Host;
        _topicItems = [.. Enumerable.Range(0, context.Dim).Select(g => Enumerable.Range(0, context.Catalog.Count).Where(i => topics[i] == g).ToArray())];
    }

    /// <summary>Expected share of slots explored, in [0, 1).</summary>
    public double Share { get; }

    /// <summary>Host bytes per user: the last-click tick per topic.</summary>
    public static long BytesPerUser(int dim) => 4L * dim;

    /// <summary>Replaces the bottom slots of each active user's slate with exploratory items.</summary>
    public void Apply(int tick, byte[] active, int[] slates)
    {
        var k = _context.K;
        var d = _context.Dim;
        var live = _context.Catalog.LiveCount;
        var threshold = (ulong)(Share * ulong.MaxValue);
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            Span<int> order = stackalloc int[d];
            Span<ulong> keys = stackalloc ulong[d];
            for (var u = start; u < end; u++)
            {
                if (active[u] == 0)
                {
                    continue;
                }

                var user = (uint)(_context.Shards.FirstUser + u);
                var explored = 0;
                for (var slot = 0; slot < k; slot++)
                {
                    if (KeyedRandom.Bits(_context.Seed, RandomStreams.StrategyExploration, user, (uint)tick, (uint)slot) < threshold)
                    {
                        explored++;
                    }
                }

                if (explored == 0)
                {
                    continue;
                }

                OrderTopics(u, user, tick, order, keys);
                var slate = slates.AsSpan(u * k, k);
                var topic = 0;
                for (var slot = k - explored; slot < k; slot++)
                {
                    // Topics whose live items are all on the slate already are skipped; a slot that
                    // finds no topic with a spare live item keeps the strategy's own pick.
                    for (var tries = 0; tries < d; tries++, topic++)
                    {
                        var item = Draw(order[topic % d], live, user, tick, slot, slate, slot);
                        if (item >= 0)
                        {
                            slate[slot] = item;
                            topic++;
                            break;
                        }
                    }
                }
            }
        });
    }

    /// <summary>Records the topic of every click the strategy observed.</summary>
    public void Observe(FeedbackContext feedback)
    {
        var k = _context.K;
        var d = _context.Dim;
        var topics = _context.Catalog.Topic.Host;
        _context.Shards.ForEach(_context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var position = feedback.ChosenPosition[u];
                if (feedback.Active[u] != 0 && position >= 0)
                {
                    _lastClick[(u * d) + topics[feedback.Slates[(u * k) + position]]] = feedback.Tick;
                }
            }
        });
    }

    public void ExchangeState(StateExchange state) => state.Ints("lastClick", _lastClick);

    /// <summary>Engaged topics by last click, oldest first (ties by topic), then never-engaged topics in keyed order.</summary>
    private void OrderTopics(int u, uint user, int tick, Span<int> order, Span<ulong> keys)
    {
        var d = _context.Dim;
        var last = _lastClick.AsSpan(u * d, d);
        for (var g = 0; g < d; g++)
        {
            order[g] = g;
            keys[g] = last[g] >= 0
                ? ((ulong)(uint)last[g] << 32) | (uint)g
                : (1UL << 63) | (KeyedRandom.Bits(_context.Seed, RandomStreams.StrategyExploration, user, (uint)tick, (uint)(1000 + g)) >> 1);
        }

        keys.Sort(order);
    }

    /// <summary>A live item of the topic not on the slate's first <paramref name="filled"/> slots nor below; -1 when none is left.</summary>
    private int Draw(int topic, int live, uint user, int tick, int slot, ReadOnlySpan<int> slate, int filled)
    {
        var items = _topicItems[topic];
        var count = LivePrefix(items, live);
        if (count == 0)
        {
            return -1;
        }

        var first = (int)(KeyedRandom.Bits(_context.Seed, RandomStreams.StrategyExploration, user, (uint)tick, (uint)(2000 + slot)) % (ulong)count);
        for (var step = 0; step < count; step++)
        {
            var item = items[(first + step) % count];
            if (!slate[..filled].Contains(item) && !slate[(filled + 1)..].Contains(item))
            {
                return item;
            }
        }

        return -1;
    }

    private static int LivePrefix(int[] items, int live)
    {
        var index = Array.BinarySearch(items, live);
        return index >= 0 ? index : ~index;
    }
}
