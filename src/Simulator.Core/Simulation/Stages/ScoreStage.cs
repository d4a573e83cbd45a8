using Simulator.Core.Metrics;
using Simulator.Core.Strategies;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 8, Score: metrics against ground truth for this tick. Each world's partial sums are
/// computed per shard in its turn of the tick (<see cref="Partials"/>, while its per-tick columns
/// are still its own), then every world's are folded in shard order (<see cref="Merge"/>), so the
/// bytes never depend on the thread count or on which process ran a shard. One reduction for all
/// worlds rather than one per world, so a seed split over shard grains exchanges once per tick for
/// its scores. No engine operation and no guard (metrics are sums of guarded columns).
/// </summary>
internal static class ScoreStage
{
    /// <summary>The world's partial sums (and exposure counts) of each shard this process runs, in shard order.</summary>
    public static ScorePartial[] Partials(SeedContext seed, StrategyWorld world)
    {
        var inputs = InputsOf(seed, world);
        world.Exposure?.BeginTick();
        world.Exposure?.CountSlates(inputs.Active, inputs.Slates, inputs.K);
        return seed.Shards.ReduceInProcess(
            seed.Parallel,
            (shard, start, end) => new ScorePartial(TickScorer.Score(start, end, inputs, world.Exposure?.ShardCounts(shard)), world.Exposure?.ShardCounts(shard)),
            new List<ScorePartial>(),
            (all, shard) =>
            {
                all.Add(shard);
                return all;
            }).ToArray();
    }

    /// <summary>Folds every world's <see cref="Partials"/> (indexed by world, then shard) in shard order, across processes when the seed is split.</summary>
    /// <returns>The metric sums of each world for this tick, in strategy order.</returns>
    public static MetricSums[] Merge(SeedContext seed, IReadOnlyList<StrategyWorld> worlds, ScorePartial[][] partials)
    {
        var parts = seed.Shards.Reduce(
            seed.Parallel,
            (shard, _, _) => worlds.Select(w => partials[w.Index][shard]).ToArray(),
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
                tally.EndTick(counts);
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
