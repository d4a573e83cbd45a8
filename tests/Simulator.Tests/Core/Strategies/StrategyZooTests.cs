using Simulator.Core.Strategies;

namespace Simulator.Tests.Core.Strategies;

/// <summary>Update rules of the added strategies, each on a hand-worked case.</summary>
public sealed class StrategyZooTests
{
    // Four items in d = 2: 0 = topic 0, 1 = topic 1, 2 = mostly 0, 3 = mostly 1.
    private static readonly float[] Items = [1f, 0f, 0f, 1f, 0.6f, 0.4f, 0.3f, 0.7f];

    [Fact]
    public void Oracle_frozen_keeps_the_first_interest_and_adds_the_item_bias()
    {
        using var kit = new StrategyKit(2, 2, 2, Items);
        using var s = new OracleFrozenStrategy(kit.Context);
        Set(kit.Interest.Host, [1f, 0f, 0f, 1f]);
        Assert.Equal([[0, 2], [1, 3]], kit.Recommend(s, 0));

        // The truth flips; the frozen oracle does not follow.
        Set(kit.Interest.Host, [0f, 1f, 1f, 0f]);
        Assert.Equal([[0, 2], [1, 3]], kit.Recommend(s, 1));
        Assert.Equal([1f, 0f, 0f, 1f], s.InterestEstimate!);

        // Bias: user 0 scores 1 + 0, 0 + 2, 0.6 + 0, 0.3 + 0 -> item 1 first.
        Set(kit.Bias.Host, [0f, 2f, 0f, 0f]);
        Assert.Equal([1, 0], kit.Recommend(s, 2)[0]);
    }

    [Fact]
    public void Oracle_lagged_uses_the_interest_lag_ticks_old_or_the_oldest_held()
    {
        using var kit = new StrategyKit(1, 2, 1, Items);
        using var s = new OracleLaggedStrategy(kit.Context, 2);
        float[][] truth = [[1f, 0f], [0f, 1f], [0.5f, 0.45f], [0f, 1f]];

        // Ticks 0..3: best items under truth 0, 0 (oldest held), 0 (2 ago), 1 (2 ago).
        var shown = new List<int>();
        for (var t = 0; t < truth.Length; t++)
        {
            Set(kit.Interest.Host, truth[t]);
            shown.Add(kit.Recommend(s, t)[0][0]);
        }

        Assert.Equal([0, 0, 0, 1], shown);
        Assert.Equal([0f, 1f], s.InterestEstimate!);
    }

    [Fact]
    public void Recent_popularity_decays_counts_then_adds_this_ticks_clicks()
    {
        using var kit = new StrategyKit(3, 2, 2, Items, shards: 2);
        using var s = new RecentPopularityStrategy(kit.Context, 0.5);
        int[] slates = [2, 0, 2, 1, 3, 1];
        kit.Learn(s, 0, slates, [0, 0, -1]); // item 2 twice
        Assert.Equal([0.0, 0.0, 2.0, 0.0], s.Counts);
        kit.Learn(s, 1, slates, [-1, -1, 0]); // item 3 once
        Assert.Equal([0.0, 0.0, 1.0, 1.0], s.Counts);
        Assert.All(kit.Recommend(s, 2), slate => Assert.Equal([2, 3], slate)); // tie: smaller index first
        kit.Learn(s, 2, slates, [1, -1, 1]); // item 0 and item 1
        Assert.Equal([1.0, 1.0, 0.5, 0.5], s.Counts);
        Assert.All(kit.Recommend(s, 3), slate => Assert.Equal([0, 1], slate));
    }

    [Fact]
    public void Decay_history_decays_every_active_tick_and_adds_the_clicked_embedding()
    {
        using var kit = new StrategyKit(1, 2, 2, Items);
        using var s = new DecayHistoryStrategy(kit.Context, 0.5);
        var h0 = s.InterestEstimate.ToArray();
        Assert.All(h0, v => Assert.InRange(v, 0.003f, 0.007f)); // small keyed noise around 0.01/d
        kit.Learn(s, 0, [0, 1], [0]);  // h = 0.5 h0 + x0
        kit.Learn(s, 1, [1, 0], [0]);  // h = 0.25 h0 + 0.5 x0 + x1
        Assert.Equal(0.5f + (0.25f * h0[0]), s.InterestEstimate[0], 6);
        Assert.Equal(1f + (0.25f * h0[1]), s.InterestEstimate[1], 6);
        kit.Active[0] = 0;
        kit.Learn(s, 2, [1, 0], [-1]); // inactive: no decay
        Assert.Equal(0.5f + (0.25f * h0[0]), s.InterestEstimate[0], 6);
        kit.Active[0] = 1;
        kit.Learn(s, 3, [1, 0], [-1]); // active, no click: decay only
        Assert.Equal(0.25f + (0.125f * h0[0]), s.InterestEstimate[0], 6);

        // Scores ~ 0.25, 0.5, 0.35, 0.425 -> items 1 then 3.
        Assert.Equal([1, 3], kit.Recommend(s, 4)[0]);
    }

    [Fact]
    public void Sliding_window_averages_the_last_w_clicked_embeddings()
    {
        using var kit = new StrategyKit(2, 2, 2, Items);
        using var s = new SlidingWindowStrategy(kit.Context, 2);
        var cold = s.InterestEstimate.ToArray();
        kit.Learn(s, 0, [0, 1, 0, 1], [0, -1]);
        kit.Learn(s, 1, [1, 0, 0, 1], [0, -1]);
        kit.Learn(s, 2, [2, 0, 0, 1], [0, -1]); // window {1, 2}: item 0 evicted
        Assert.Equal(0.3f, s.InterestEstimate[0], 6);
        Assert.Equal(0.7f, s.InterestEstimate[1], 6);
        Assert.Equal(cold[2..], s.InterestEstimate[2..]); // user 1 never clicked
        Assert.NotEqual(cold[2], cold[3]);

        // Scores 0.3, 0.7, 0.46, 0.58 -> items 1 then 3.
        Assert.Equal([1, 3], kit.Recommend(s, 3)[0]);
    }

    [Fact]
    public void Actr_activation_sums_power_law_decayed_clicks_per_topic()
    {
        using var kit = new StrategyKit(1, 2, 2, Items);
        using var s = new ActrStrategy(kit.Context, 0.5);
        kit.Learn(s, 0, [0, 1], [0]); // topic 0 at tick 0
        kit.Learn(s, 2, [3, 1], [0]); // topic 1 at tick 2

        // At tick 3: v0 = (3 - 0 + 1)^-0.5 = 0.5, v1 = (3 - 2 + 1)^-0.5 = 0.7071 (+ noise below 0.001).
        // Scores 0.5, 0.707, 0.583, 0.645 -> items 1 then 3.
        Assert.Equal([1, 3], kit.Recommend(s, 3)[0]);
        Assert.InRange(s.InterestEstimate[0], 0.5f, 0.501f);
        Assert.InRange(s.InterestEstimate[1], 0.7071f, 0.7081f);

        kit.Learn(s, 3, [2, 1], [0]); // topic 0 at tick 3
        kit.Recommend(s, 4);
        Assert.InRange(s.InterestEstimate[0], 0.4472f + 0.7071f, 0.4472f + 0.7071f + 0.0011f);
        Assert.InRange(s.InterestEstimate[1], 0.5773f, 0.5784f);
    }

    [Fact]
    public void Discounted_ucb_shows_unseen_items_first_then_the_discounted_index()
    {
        using var kit = new StrategyKit(2, 2, 2, Items, shards: 2);
        using var s = new DiscountedUcbStrategy(kit.Context, 0.5, 1.0);
        Assert.All(kit.Recommend(s, 0), slate => Assert.Equal([0, 1], slate));
        kit.Learn(s, 0, [0, 1, 0, 1], [0, -1]);       // S = [1,0,0,0], N = [2,2,0,0]
        Assert.All(kit.Recommend(s, 1), slate => Assert.Equal([2, 3], slate));
        kit.Learn(s, 1, [2, 3, 2, 3], [1, 1]);        // S = [.5,0,0,2], N = [1,1,2,2]

        // ln 6 = 1.792: indices 0.5 + 1.339, 1.339, 0.946, 1 + 0.946 -> items 3 then 0.
        Assert.All(kit.Recommend(s, 2), slate => Assert.Equal([3, 0], slate));
    }

    [Fact]
    public void Sliding_window_ucb_forgets_ticks_older_than_the_window()
    {
        using var kit = new StrategyKit(2, 2, 2, Items, shards: 2);
        using var s = new SlidingWindowUcbStrategy(kit.Context, 2, 1.0);
        Assert.All(kit.Recommend(s, 0), slate => Assert.Equal([0, 1], slate));
        kit.Learn(s, 0, [0, 1, 0, 1], [0, -1]);
        Assert.All(kit.Recommend(s, 1), slate => Assert.Equal([2, 3], slate));
        kit.Learn(s, 1, [2, 3, 2, 3], [1, 1]);        // S = [1,0,0,2], N = [2,2,2,2]
        Assert.All(kit.Recommend(s, 2), slate => Assert.Equal([3, 0], slate));
        kit.Learn(s, 2, [3, 0, 3, 0], [-1, -1]);      // tick 0 leaves: S = [0,0,0,2], N = [2,0,2,4]

        // Item 1 is unshown within the window; then ln 8: 1.020, 1.020, 0.5 + 0.721 -> item 3.
        Assert.All(kit.Recommend(s, 3), slate => Assert.Equal([1, 3], slate));
    }

    [Fact]
    public void Discounted_thompson_discounts_the_beta_posterior_and_ranks_each_users_draws()
    {
        using var kit = new StrategyKit(2, 2, 2, Items, shards: 2);
        using var s = new DiscountedThompsonStrategy(kit.Context, 0.5);
        kit.Learn(s, 0, [0, 1, 0, 1], [0, -1]);       // S = [1,0,0,0], N = [2,2,0,0]
        kit.Learn(s, 1, [0, 2, 0, 2], [-1, 0]);       // S = [1.5,0,0,0], N = [3,1,2,0]
        Assert.Equal((2.5, 2.5), s.Posterior(0));
        Assert.Equal((1.0, 2.0), s.Posterior(1));
        Assert.Equal((1.0, 3.0), s.Posterior(2));
        Assert.Equal((1.0, 1.0), s.Posterior(3));

        // Beta(2.5, 2.5): mean 0.5, variance 6.25 / (25 * 6) = 1/24.
        var z = Simulator.Core.Randomness.KeyedRandom.Normal(kit.Context.Seed, Simulator.Core.Randomness.RandomStreams.StrategyThompson, 1, 2, 0);
        Assert.Equal(0.5 + (Math.Sqrt(1.0 / 24) * z), s.Draw(1, 2, 0), 5);

        var slates = kit.Recommend(s, 2);
        for (var u = 0; u < 2; u++)
        {
            var expected = Enumerable.Range(0, 4).OrderByDescending(i => s.Draw(u, 2, i)).ThenBy(i => i).Take(2);
            Assert.Equal(expected, slates[u]);
        }

        Assert.Equal(slates, kit.Recommend(s, 2)); // keyed: the same tick draws the same
    }

    [Fact]
    public void Discounted_thompson_skips_only_draws_that_cannot_enter_the_slate()
    {
        const int users = 300, items = 80, k = 5;
        var vectors = Enumerable.Range(0, items * 2).Select(i => (float)(i % 7) / 7f).ToArray();
        using var kit = new StrategyKit(users, 2, k, vectors, shards: 3);
        using var s = new DiscountedThompsonStrategy(kit.Context, 0.9);

        // Many shows of a few items make their posteriors narrow (their draws get pruned); the
        // rest stay wide. Clicks keyed so some items are clearly better than others.
        for (var t = 0; t < 6; t++)
        {
            var slates = new int[users * k];
            var chosen = new int[users];
            for (var u = 0; u < users; u++)
            {
                for (var j = 0; j < k; j++)
                {
                    slates[(u * k) + j] = ((u % 13) + (j * 3) + t) % 40;
                }

                chosen[u] = (u + t) % 3 == 0 ? (u % k) : -1;
            }

            kit.Learn(s, t, slates, chosen);
        }

        var actual = kit.Recommend(s, 6);
        for (var u = 0; u < users; u++)
        {
            var expected = Enumerable.Range(0, items).OrderByDescending(i => s.Draw(u, 6, i)).ThenBy(i => i).Take(k);
            Assert.Equal(expected, actual[u]);
        }
    }

    [Fact]
    public void No_keyed_normal_draw_exceeds_the_bound_the_thompson_pruning_relies_on()
    {
        // The largest radius comes from the smallest u1 (top 24 bits zero); cos is largest at u2 -> 0.
        var largest = Math.Abs(Simulator.Core.Randomness.KeyedRandom.NormalFromBits(0UL));
        Assert.InRange(largest, 5.8f, Simulator.Core.Randomness.KeyedRandom.NormalBound);
        for (ulong bits = 0; bits < (1UL << 16); bits++)
        {
            Assert.True(Math.Abs(Simulator.Core.Randomness.KeyedRandom.NormalFromBits(bits << 16)) <= Simulator.Core.Randomness.KeyedRandom.NormalBound);
        }
    }

    private static void Set(float[] target, float[] values) => values.AsSpan().CopyTo(target);
}
