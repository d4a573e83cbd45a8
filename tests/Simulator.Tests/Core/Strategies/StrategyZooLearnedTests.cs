using Simulator.Core.Statistics;
using Simulator.Core.Strategies;
using Simulator.Core.Strategies.Learned;

namespace Simulator.Tests.Core.Strategies;

/// <summary>Update rules of the learned strategies (MLP family, item-kNN, MF, LinUCB) on hand-worked cases.</summary>
public sealed class StrategyZooLearnedTests
{
    // Float arithmetic on a handful of operations: agreement to 5 decimals.
    private const int Digits = 5;

    // Four items in d = 2: 0 = topic 0, 1 = topic 1, 2 = mostly 0, 3 = mostly 1.
    private static readonly float[] Items = [1f, 0f, 0f, 1f, 0.6f, 0.4f, 0.3f, 0.7f];

    [Fact]
    public void Sigmoid_retention_is_one_at_zero_and_half_way_at_the_midpoint()
    {
        Assert.Equal(1f, AlphaRetention.Retain(0f, 0.5f, 2f), Digits);

        // dt = beta / alpha = 4: (1 + e^-2) / (1 + e^0) = 1.135335 / 2.
        Assert.Equal(0.567668f, AlphaRetention.Retain(4f, 0.5f, 2f), Digits);
        Assert.True(AlphaRetention.Retain(4f, 1f, 2f) < AlphaRetention.Retain(4f, 0.5f, 2f)); // larger alpha forgets faster
    }

    [Fact]
    public void Behaviour_state_decays_strength_between_engagements_and_reinforces_on_a_click()
    {
        var state = new BehaviourState(1, 2, timeBlind: false);
        state.Engage(0, 0, 0, MathF.E - 1f, 0.5f, 2f, 0.5f);
        Assert.Equal(0.5f, state.Strength[0], Digits);      // 0 * r + 0.5 (1 - 0)
        Assert.Equal(1f, state.Dwell[0], Digits);           // ln(1 + e - 1)
        state.Engage(0, 0, 4, 0f, 0.5f, 2f, 0.5f);

        // held = 0.5 R(4) = 0.283834; S = held + 0.5 (1 - held).
        Assert.Equal(0.641917f, state.Strength[0], Digits);
        Assert.Equal(4, state.LastEngaged[0]);
        Assert.Equal(-1, state.LastEngaged[1]);

        // Features at t = 6: r = R(2) = 1.135335 / (1 + e^-1) = 0.830099 for topic 0; topic 1 never engaged.
        var features = new float[6];
        var estimate = new float[2];
        state.Features(0, 6, 0.5f, 2f, features, estimate);
        var r = 1.135335f / (1f + MathF.Exp(-1f));
        Assert.Equal([0.641917f * r, 0f, 0f, 0f, r, 0f], features, Rounded);
        Assert.Equal(0.641917f * r, estimate[0], Digits);

        // Time-blind (mlp-static): gaps count the user's clicks, so 40 idle ticks weigh as one click.
        // Second click on topic 1: held = 0.5 R(1) = 0.5 * 1.135335 / (1 + e^-1.5) = 0.464110.
        var blind = new BehaviourState(1, 2, timeBlind: true);
        blind.Engage(0, 1, 0, 0f, 0.5f, 2f, 0.5f);
        blind.Engage(0, 1, 40, 0f, 0.5f, 2f, 0.5f);
        Assert.Equal(0.732055f, blind.Strength[1], Digits);

        // A click on topic 0 at tick 41 puts topic 1 two clicks back, whatever the ticks.
        blind.Engage(0, 0, 41, 0f, 0.5f, 2f, 0.5f);
        var early = new float[6];
        var late = new float[6];
        blind.Features(0, 42, 0.5f, 2f, early, estimate);
        blind.Features(0, 500, 0.5f, 2f, late, estimate);
        Assert.Equal(early, late);
        Assert.Equal(AlphaRetention.Retain(2f, 0.5f, 2f), early[5], Digits);
    }

    [Fact]
    public void Adam_first_step_moves_by_the_learning_rate_against_the_gradient_sign()
    {
        // m = 0.05, v = 0.00025; mhat = 0.5, vhat = 0.25; p = 1 - 0.1 * 0.5 / 0.5.
        var adam = new AdamOptimizer("t", 1);
        float[] p = [1f];
        adam.Step(p, [0.5f], 0.1f, 1);
        Assert.Equal(0.9f, p[0], Digits);
    }

    [Fact]
    public void Network_gradient_matches_finite_differences_of_the_bce_loss()
    {
        using var kit = new StrategyKit(1, 2, 2, Items);
        using var net = new InterestNetwork(kit.Engine, 3, 4, 2, 2, 4, 7);

        // Move W2 off zero so every layer has a gradient.
        var arrays = net.ParameterArrays;
        for (var i = 0; i < arrays[2].Length; i++)
        {
            arrays[2][i] = 0.3f * (i % 3 == 0 ? -1f : 1f) + (0.05f * i);
        }

        float[] features = [0.5f, 0.2f, 0.9f];
        float[] estimate = [0.4f, 0.1f];
        int[] slate = [2, 1];
        float[] shown = [0.6f, 0.4f, 0f, 1f];
        var scratch = new float[net.ScratchLength];
        var gradient = new float[net.ParameterCount];
        net.AccumulateGradient(features, estimate, slate, shown, 0, gradient, scratch);

        var offset = 0;
        foreach (var array in arrays)
        {
            for (var i = 0; i < array.Length; i++)
            {
                var keep = array[i];
                const float h = 1e-3f;
                array[i] = keep + h;
                var up = net.AccumulateGradient(features, estimate, slate, shown, 0, new float[net.ParameterCount], scratch);
                array[i] = keep - h;
                var down = net.AccumulateGradient(features, estimate, slate, shown, 0, new float[net.ParameterCount], scratch);
                array[i] = keep;
                Assert.Equal((up - down) / (2 * h), gradient[offset + i], 2); // float central differences: ~1e-3 accuracy
            }

            offset += array.Length;
        }
    }

    [Fact]
    public void Forgetting_fit_gives_a_slow_alpha_to_a_user_who_returns_to_a_stale_topic()
    {
        using var kit = new StrategyKit(2, 2, 2, Items);
        using var net = new InterestNetwork(kit.Engine, 6, 4, 2, 2, 4, 7);
        var behaviour = new BehaviourState(2, 2, timeBlind: false);
        for (var u = 0; u < 2; u++)
        {
            behaviour.Engage(u, 0, 0, 0f, 0.3f, 3f, 0.5f);  // topic 0 at tick 0: stale by tick 10
            behaviour.Engage(u, 1, 9, 0f, 0.3f, 3f, 0.5f);  // topic 1 at tick 9: fresh
        }

        var fit = new AlphaGridFit(2, perUser: true, alphaInit: 0.3f, shape: 3f, prior: 0f);

        // Slate [item 0 (topic 0), item 1 (topic 1)]; user 0 picks the stale topic, user 1 the fresh one.
        for (var t = 10; t < 14; t++)
        {
            fit.Observe(new Simulator.Core.Strategies.FeedbackContext(t, kit.Active, [0, 1, 0, 1], [0, 1], new float[2]), kit.Context, behaviour, net);
        }

        var grid = AlphaGridFit.Grid();
        Assert.True(fit.Alpha(0) < grid[GridMiddle / 2]);  // stale interest intact: slow forgetting
        Assert.True(fit.Alpha(1) > grid[GridMiddle]);      // fresh topic preferred: fast forgetting

        // The reported alpha is the posterior mean of ln alpha under the profile likelihood (prior 0: the user's own).
        var profile = Enumerable.Range(0, AlphaGridFit.GridSize)
            .Select(a => Enumerable.Range(0, AlphaGridFit.NoClickGridSize).Max(m => fit.LogLikelihood(0, a, m))).ToArray();
        var weights = profile.Select(l => Math.Exp(l - profile.Max())).ToArray();
        var mean = Math.Exp(weights.Select((w, a) => w * Math.Log(grid[a])).Sum() / weights.Sum());
        Assert.Equal(mean, fit.Alpha(0), 4);
        Assert.Equal(4, fit.Evidence(0));
    }

    [Fact]
    public void Mf_isgd_updates_user_and_item_factors_with_pre_update_values()
    {
        using var kit = new StrategyKit(1, 2, 2, Items);
        using var mf = new MatrixFactorizationStrategy(kit.Context, 2, 0.1, 0.0, 1.0);
        SetFactors(mf, [1f, 0f], [0.5f, 0.5f, 0f, 1f, 0f, 0f, 0f, 0f]);
        kit.Learn(mf, 0, [0, 1], [0]);

        // Click on item 0: err = 0.5, p = (1.025, 0.025), q0 = (0.55, 0.5).
        // Then item 1 with y = 0: err = -0.025, p = (1.025, 0.0225), q1 = (-0.0025625, 0.9999375).
        Assert.Equal([1.025f, 0.0225f], mf.UserFactors.ToArray(), Rounded);
        Assert.Equal([0.55f, 0.5f, -0.0025625f, 0.9999375f], mf.ItemFactors[..4].ToArray(), Rounded);

        using var fading = new MatrixFactorizationStrategy(kit.Context, 2, 0.1, 0.0, 0.5);
        Assert.Equal("mf-forgetting", fading.Name);
        SetFactors(fading, [1f, 0f], [0.5f, 0.5f, 0f, 1f, 0f, 0f, 0f, 0f]);
        kit.Learn(fading, 0, [0, 1], [0]);

        // p faded to (0.5, 0) first: err = 0.75, q0 = (0.5375, 0.5).
        Assert.Equal([0.5375f, 0.5f], fading.ItemFactors[..2].ToArray(), Rounded);
    }

    [Fact]
    public void Itemknn_decay_scores_by_decayed_normalised_cooccurrence_with_the_history()
    {
        using var kit = new StrategyKit(2, 2, 2, Items);
        using var knn = new ItemKnnDecayStrategy(kit.Context, 0.5);
        kit.Learn(knn, 0, [0, 1, 1, 0], [0, 0]);      // user 0 clicks item 0, user 1 item 1
        Assert.Equal([1f, 1f, 0f, 0f], knn.Counts.ToArray());
        kit.Learn(knn, 1, [2, 3, 2, 3], [0, -1]);     // decay, then user 0 clicks item 2 after item 0
        Assert.Equal([0.5f, 0.5f, 1f, 0f], knn.Counts.ToArray());
        Assert.Equal(1f, knn.Cooccurrence[(0 * 4) + 2]);
        Assert.Equal(1f, knn.Cooccurrence[(2 * 4) + 0]);

        // User 0 at tick 2: item 0 scores 0.5^1 / sqrt(1) * 1 / sqrt(0.5) = 0.707 (from h = 2),
        // item 2 scores 0.5^2 / sqrt(0.5) * 1 / sqrt(1) = 0.354 (from h = 0).
        Assert.Equal([0, 2], kit.Recommend(knn, 2)[0]);
    }

    [Fact]
    public void Linucb_accumulates_the_design_matrix_and_moves_the_context_after_the_update()
    {
        using var kit = new StrategyKit(1, 2, 2, Items);
        using var lin = new LinUcbStrategy(kit.Context, 0.5);
        var set = new DictionaryExchange(restoring: true);
        set.Entries["linucb.contexts"] = new[] { 1f, 1f };
        lin.ExchangeState(set);
        kit.Learn(lin, 0, [0, 1], [0]);

        // z0 = (1, 0) clicked, z1 = (0, 1) not: A = 2 I, b = (1, 0), theta = (0.5, 0).
        Assert.Equal([0.5f, 0f], lin.Theta.ToArray(), Rounded);
        Assert.Equal([1f, 0.7f], lin.InterestEstimate.ToArray(), Rounded); // 0.7 (1, 1) + 0.3 (1, 0)
    }

    /// <summary>
    /// Also with the candidate pools found 7 users at a time (six blocks, the last one partial):
    /// each user's pool depends on that user's row alone, so the blocks change no slate.
    /// </summary>
    [Theory]
    [InlineData(LinUcbStrategy.BlockUsers)]
    [InlineData(7)]
    public void Linucb_slates_are_the_top_k_of_mean_plus_bonus_among_the_best_means(int blockUsers)
    {
        const int users = 40, items = 30, dim = 5, k = 3;
        var vectors = Enumerable.Range(0, items * dim).Select(i => 0.1f + (((i * 37) % 11) / 11f)).ToArray();
        using var kit = new StrategyKit(users, dim, k, vectors, shards: 3);
        using var lin = new LinUcbStrategy(kit.Context, 0.8, blockUsers);
        for (var t = 0; t < 4; t++)
        {
            var slates = Enumerable.Range(0, users * k).Select(i => ((i * 7) + t) % items).ToArray();
            var chosen = Enumerable.Range(0, users).Select(u => (u + t) % 4 == 0 ? -1 : (u + t) % k).ToArray();
            kit.Learn(lin, t, slates, chosen);
        }

        var candidates = LinUcbStrategy.Candidates(k);
        var actual = kit.Recommend(lin, 4);
        for (var u = 0; u < users; u++)
        {
            // The pool: the candidates best by mean theta . z; then mean + bonus ranks the pool.
            var pool = Enumerable.Range(0, items).OrderByDescending(i => lin.ReferenceMean(u, i)).ThenBy(i => i).Take(candidates);
            var expected = pool.OrderByDescending(i => lin.ReferenceScore(u, i)).ThenBy(i => i).Take(k);
            Assert.Equal(expected, actual[u]);
        }
    }

    [Fact]
    public void Spearman_matches_the_textbook_formula_and_averages_tied_ranks()
    {
        // d = (-1, 1, -1, 1, 0): rho = 1 - 6 * 4 / (5 * 24) = 0.8.
        Assert.Equal(0.8, ParameterRecovery.Spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 12);
        Assert.Equal(-1.0, ParameterRecovery.Spearman([1, 2, 3], [30, 20, 10]), 12);
        Assert.Equal([1.0, 2.5, 2.5, 4.0], ParameterRecovery.Ranks([1, 2, 2, 3]));
        Assert.True(double.IsNaN(ParameterRecovery.Spearman([1, 1, 1], [1, 2, 3])));
    }

    [Fact]
    public void Parameter_recovery_keeps_users_with_an_estimate_and_ranks_them_against_the_truth()
    {
        // True rate = 1 / p1: users 0..3 have rates 1, 0.5, 0.25, 0.2; user 2 has no estimate.
        float[] p1 = [1f, 2f, 4f, 5f];
        float[] fitted = [0.9f, 0.4f, float.NaN, 0.1f];
        var (rho, points) = ParameterRecovery.Measure(7, "mlp-forgetting", fitted, p1);
        Assert.Equal(1.0, rho, 12);
        Assert.Equal([0, 1, 3], points.Select(p => p.User));
        Assert.Equal(0.2, points[2].TrueRate, 12);
    }

    private const int GridMiddle = AlphaGridFit.GridSize / 2;

    private static readonly IEqualityComparer<float> Rounded = EqualityComparer<float>.Create((a, b) => MathF.Abs(a - b) < 1e-5f, a => 0);

    private static void SetFactors(MatrixFactorizationStrategy mf, float[] users, float[] items)
    {
        var set = new DictionaryExchange(restoring: true);
        set.Entries["mf.users"] = users;
        set.Entries["mf.items"] = items;
        mf.ExchangeState(set);
    }
}
