using Simulator.Core.Strategies;

namespace Simulator.Tests.Core;

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

    private static void Set(float[] target, float[] values) => values.AsSpan().CopyTo(target);
}
