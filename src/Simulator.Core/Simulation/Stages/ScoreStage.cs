using Simulator.Core.Metrics;
using Simulator.Core.Strategies;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 8, Score: metrics against ground truth for this tick. Each shard computes every world's
/// partial sums, then each world's are folded in shard order, so the bytes never depend on the
/// thread count or on which process ran a shard. One reduction for all worlds rather than one per
/// world, so a seed split over shard grains exchanges once per tick for its scores. No engine
/// operation and no guard (metrics are sums of guarded columns).
/// </summary>
internal static class ScoreStage
{
    /// <returns>The metric sums of each world for this tick, in strategy order.</returns>
    public static MetricSums[] Run(SeedContext seed, IReadOnlyList<StrategyWorld> worlds)
    {
        var inputs = worlds.Select(w => InputsOf(seed, w)).ToArray();
        foreach (var world in worlds)
        {
            world.Exposure?.BeginTick();
        }

        var parts = seed.Shards.Reduce(
            seed.Parallel,
            (shard, start, end) => worlds.Select(w =>
                new ScorePartial(TickScorer.Score(start, end, inputs[w.Index], w.Exposure?.ShardCounts(shard)), w.Exposure?.ShardCounts(shard))).ToArray(),
            new List<ScorePartial[]>(),
            (all, shard) =>
            {
                all.Add(shard);
                return all;
            },
            ScorePartial.Worlds);
        var sums = new MetricSums[worlds.Count];
        foreach (var world in worlds)
        {
            var w = world.Index;
            sums[w] = new MetricSums();
            var counts = new List<long[]?>();
            foreach (var shard in parts)
            {
                counts.Add(shard[w].Exposure);
                sums[w].Add(shard[w].Sums);
            }

            if (world.Exposure is { } tally)
            {
                tally.EndTick(counts, inputs[w].Active, inputs[w].Slates, inputs[w].K);
                var live = tally.Tick.AsSpan(0, seed.Catalog.LiveCount);
                sums[w].Set(MetricId.Coverage, RankingMetrics.Coverage(live));
                sums[w].Set(MetricId.Gini, RankingMetrics.Gini(live));
            }
        }

        return sums;
    }

    private static ScoreInputs InputsOf(SeedContext seed, StrategyWorld world)
    {
        var state = world.State;
        var dynamics = world.Dynamics;
        return new ScoreInputs
        {
            Dim = state.Dim,
            K = state.K,
            Interest = state.Interest.Host,
            EffectiveInterest = dynamics.Satiation?.EffectiveInterest.Host,
            Preference = seed.Population.Preference.Host,
            Items = seed.Catalog.Items.Host,
            Quality = dynamics.UtilityQuality(seed.Catalog).Host,
            Topic = seed.Catalog.Topic.Host,
            Active = state.Active.Host,
            Slates = state.Slates.Host,
            IdealSlates = state.IdealSlates.Host,
            ChosenPosition = state.ChosenPosition.Host,
            Choice = dynamics.Choice,
            Estimate = (world.Strategy as IInterestEstimator)?.InterestEstimate,
            SelfInformation = world.Exposure?.SelfInformation,
            LostThreshold = seed.LostThreshold,
            Selected = seed.SelectedMetrics,
        };
    }
}
