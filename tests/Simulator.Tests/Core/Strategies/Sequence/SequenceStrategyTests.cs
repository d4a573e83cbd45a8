using Simulator.Core.Results;
using Simulator.Core.Strategies.Sequence;

namespace Simulator.Tests.Core.Strategies.Sequence;

/// <summary>The strategy around a sequence model: what it remembers, what it recommends, what its retention probe reports.</summary>
public sealed class SequenceStrategyTests
{
    private static SequenceStrategy Strategy(StrategyKit kit, string name) =>
        new(kit.Context, SequenceFixture.KindOf(name), new SequenceSettings(8, 4, 1, 1, 0.01f, 8, 1, Warmup: 1000));

    /// <summary>Three users, the middle one clicks nothing: clicks join the window with their tick, dwell and position.</summary>
    [Fact]
    public void Clicks_join_the_window_and_slates_are_distinct_live_items()
    {
        using var kit = new StrategyKit(3, SequenceFixture.Dim, SequenceFixture.K, SequenceFixture.ItemVectors());
        using var strategy = Strategy(kit, "tisasrec");
        for (var tick = 0; tick < 3; tick++)
        {
            var slates = kit.Recommend(strategy, tick);
            Assert.All(slates, s => Assert.Equal(SequenceFixture.K, s.Distinct().Count(i => i is >= 0 and < SequenceFixture.Items)));
            kit.Learn(strategy, tick, slates.SelectMany(s => s).ToArray(), [tick % SequenceFixture.K, -1, 0]);
        }

        Assert.Equal([3, 0, 3], Enumerable.Range(0, 3).Select(u => strategy.History.Count(u)));
        var first = strategy.History.At(0, 0);
        Assert.Equal((0, 0), (first.Tick, first.Position));
        Assert.Equal(2, strategy.History.At(0, 2).Position);
    }

    /// <summary>
    /// The probe is 1 at gap 0, the same when asked twice, absent for time-blind twins and for a
    /// world where nobody clicked twice; a time-lstm whose memory decays fast (alpha = -2) moves away
    /// from 1 at long gaps where one that keeps its memory (alpha = 0, beta = 20) stays at 1.
    /// </summary>
    [Fact]
    public void The_retention_probe_reads_how_the_time_aware_model_treats_the_gap()
    {
        using var kit = new StrategyKit(2, SequenceFixture.Dim, SequenceFixture.K, SequenceFixture.ItemVectors());
        using var lstm = Strategy(kit, "time-lstm");
        using var gru = Strategy(kit, "gru4rec");
        Assert.Null(lstm.ProbeRetention(RetentionCurve.ProbeGaps));
        for (var tick = 0; tick < 3; tick++)
        {
            int[] slates = [1, 2, 3, 4, 5, 6];
            kit.Learn(lstm, tick, slates, [0, 1]);
            kit.Learn(gru, tick, slates, [0, 1]);
        }

        Assert.Null(gru.ProbeRetention(RetentionCurve.ProbeGaps));
        var values = lstm.Model.Parameters.Values;
        var (_, alpha, hidden) = lstm.Model.Parameters.Blocks.Single(b => b.Name == "lstm.decay.alpha");
        var (_, beta, _) = lstm.Model.Parameters.Blocks.Single(b => b.Name == "lstm.decay.beta");
        values.AsSpan(alpha, hidden).Fill(-2f);
        values.AsSpan(beta, hidden).Fill(3f);
        var fading = lstm.ProbeRetention(RetentionCurve.ProbeGaps)!;
        Assert.Equal(1.0, fading[0], 12);
        Assert.Equal(fading, lstm.ProbeRetention(RetentionCurve.ProbeGaps));
        Assert.True(Math.Abs(fading[^1] - 1) > 1e-3, $"retention at the last gap {fading[^1]}");

        values.AsSpan(alpha, hidden).Fill(0f);
        values.AsSpan(beta, hidden).Fill(20f);
        Assert.All(lstm.ProbeRetention(RetentionCurve.ProbeGaps)!, r => Assert.Equal(1.0, r, 6));
    }
}
