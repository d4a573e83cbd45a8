using Simulator.Core.Strategies;

namespace Simulator.Tests.Core.Strategies;

/// <summary>
/// The explore share: the bottom slots of a slate go to the topics clicked longest ago, then to
/// never-clicked ones; slots are drawn per user, tick and slot, so the share is right on average
/// and the same slates come out whatever the thread count; the last clicks survive a checkpoint.
/// </summary>
public sealed class SlateExplorationTests
{
    private const int Dim = 4;
    private const int K = 3;

    /// <summary>Six items per topic, one-hot item vectors: item i belongs to topic i / 6.</summary>
    private static float[] Items()
    {
        var items = new float[Dim * 6 * Dim];
        for (var i = 0; i < Dim * 6; i++)
        {
            items[(i * Dim) + (i / 6)] = 1f;
        }

        return items;
    }

    private static int[] GreedySlates(int users) => [.. Enumerable.Range(0, users).SelectMany(_ => new[] { 0, 1, 2 })];

    [Fact]
    public void Explored_slots_are_the_bottom_ones_and_show_the_topic_clicked_longest_ago_first()
    {
        using var kit = new StrategyKit(users: 400, Dim, K, Items());
        var exploration = new SlateExploration(kit.Context, 0.4);

        // Every user clicked topic 2 at tick 1, topic 3 at tick 4, topic 1 at tick 6 (items 12, 18, 6 at position 0).
        foreach (var (tick, item) in new[] { (1, 12), (4, 18), (6, 6) })
        {
            var slates = Enumerable.Range(0, 400).SelectMany(_ => new[] { item, (item + 1) % 24, (item + 2) % 24 }).ToArray();
            exploration.Observe(new FeedbackContext(tick, kit.Active, slates, new int[400], new float[400]));
        }

        var shown = GreedySlates(400);
        exploration.Apply(7, kit.Active, shown);
        var explored = 0;
        for (var u = 0; u < 400; u++)
        {
            var slate = shown.AsSpan(u * K, K).ToArray();
            var changed = Enumerable.Range(0, K).Where(j => slate[j] != j).ToArray();
            explored += changed.Length;

            // Changed slots form a suffix: the strategy's top picks stay on top.
            Assert.All(changed, j => Assert.True(j >= K - changed.Length, $"user {u}: slot {j} explored above an unexplored one"));
            var topics = changed.Select(j => slate[j] / 6).ToArray();
            Assert.Equal(new[] { 2, 3, 1 }.Take(changed.Length), topics);
            Assert.Equal(K, slate.Distinct().Count());
        }

        // 1,200 slots at share 0.4: the binomial's sd is 17 slots.
        Assert.InRange(explored, 480 - 60, 480 + 60);
    }

    [Fact]
    public void A_user_who_never_clicked_is_shown_unclicked_topics_and_inactive_users_keep_their_slates()
    {
        using var kit = new StrategyKit(users: 64, Dim, K, Items());
        var exploration = new SlateExploration(kit.Context, 0.5);
        kit.Active[1] = 0;
        var shown = GreedySlates(64);
        exploration.Apply(3, kit.Active, shown);
        Assert.Equal([0, 1, 2], shown.AsSpan(K, K).ToArray());
        var exploredTopics = Enumerable.Range(0, 64).Where(u => u != 1)
            .SelectMany(u => Enumerable.Range(0, K).Where(j => shown[(u * K) + j] != j).Select(j => shown[(u * K) + j] / 6))
            .Distinct().Order().ToArray();

        // Never-clicked topics come in keyed order, different per user: over 63 users every topic shows up.
        Assert.Equal([0, 1, 2, 3], exploredTopics);
    }

    [Fact]
    public void The_same_slates_come_out_on_one_thread_and_on_three()
    {
        int[] Explore(int threads)
        {
            using var kit = new StrategyKit(users: 900, Dim, K, Items(), shards: 8);
            var context = kit.Context with { Parallel = new ParallelOptions { MaxDegreeOfParallelism = threads } };
            var exploration = new SlateExploration(context, 0.3);
            var chosen = Enumerable.Range(0, 900).Select(u => u % 4 == 0 ? -1 : u % K).ToArray();
            exploration.Observe(new FeedbackContext(2, kit.Active, [.. Enumerable.Range(0, 900 * K).Select(i => (i * 7) % 24)], chosen, new float[900]));
            var shown = GreedySlates(900);
            exploration.Apply(5, kit.Active, shown);
            return shown;
        }

        Assert.Equal(Explore(1), Explore(3));
    }

    [Fact]
    public void Last_clicks_travel_through_a_checkpoint()
    {
        using var kit = new StrategyKit(users: 50, Dim, K, Items());
        var original = new SlateExploration(kit.Context, 0.5);
        original.Observe(new FeedbackContext(3, kit.Active, [.. Enumerable.Range(0, 50).SelectMany(_ => new[] { 20, 9, 2 })], new int[50], new float[50]));
        var saved = new DictionaryExchange(restoring: false);
        original.ExchangeState(saved);
        var restored = new SlateExploration(kit.Context, 0.5);
        var reading = new DictionaryExchange(restoring: true);
        foreach (var (name, values) in saved.Entries)
        {
            reading.Entries[name] = values;
        }

        restored.ExchangeState(reading);

        var a = GreedySlates(50);
        var b = GreedySlates(50);
        original.Apply(9, kit.Active, a);
        restored.Apply(9, kit.Active, b);
        Assert.Equal(a, b);
        Assert.Contains(a, item => item / 6 == 3);
    }
}
