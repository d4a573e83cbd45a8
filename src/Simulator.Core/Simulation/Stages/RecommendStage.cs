using Simulator.Core.Compute;
using Simulator.Core.Strategies;

namespace Simulator.Core.Simulation.Stages;

/// <summary>
/// Stage 4, Recommend, in one world: satiation lowers the effective interest (when on); the
/// oracle's ideal slate is the top-k of live items by true utility (engine operation
/// <see cref="IComputeEngine.ScoreTopK"/>); then the strategy builds its own slate (strategies may
/// call <see cref="IComputeEngine.MlpForward"/> and ScoreTopK themselves), whose bottom slots a
/// learned strategy's <c>explore</c> share may give to exploration (<see cref="SlateExploration"/>). A slate that shows an
/// item not yet arrived stops the run (<see cref="CheckLiveItems"/>). Guard: the oracle's scores.
/// </summary>
internal static class RecommendStage
{
    public static void Run(SeedContext seed, StrategyWorld world, int tick)
    {
        var state = world.State;
        var dynamics = world.Dynamics;
        var catalog = seed.Catalog;
        if (dynamics.Satiation is { } satiation)
        {
            seed.Shards.ForEach(seed.Parallel, (start, end) => satiation.UpdateEffectiveInterest(state.Interest.Host, start, end));
            satiation.EffectiveInterest.Upload();
        }

        var idealBias = dynamics.IdealBias(seed.IdealBias);
        seed.Engine.ScoreTopK(new ScoreTopKOperands(
            state.Users, catalog.LiveCount, state.Dim, state.K, dynamics.UtilityInterest(state), catalog.Items, idealBias, state.IdealSlates, state.IdealScores));
        state.IdealSlates.Download();
        world.Strategy.Recommend(new RecommendContext(
            tick, state.Active.Host, state.Slates, new GroundTruth(state.IdealSlates, state.Interest, idealBias)));
        world.Exploration?.Apply(tick, state.Active.Host, state.Slates.Host);
        if (world.CheckSlates)
        {
            CheckSlates(state.Slates.Host, state.Active.Host, state.K, catalog.LiveCount, catalog.Count, world.Name, tick, seed.Shards.FirstUser);
        }
        else if (catalog.LiveCount < catalog.Count)
        {
            // Only while items are still to arrive: a static catalog keeps its O(N k) per tick.
            CheckLiveItems(state.Slates.Host, state.Active.Host, state.K, catalog.LiveCount, world.Name, tick);
        }

        state.Slates.Upload();
        state.IdealScores.Download();
        seed.Guard(TickStage.Recommend, "IdealScores", world.Name, tick, state.IdealScores.Host, state.K);
    }

    /// <summary>
    /// An external strategy's slates, checked before any user sees them: every active user's k
    /// items in the catalog, live and distinct. Users in order, so the first fault named is the
    /// same whatever the thread count.
    /// </summary>
    public static void CheckSlates(int[] slates, byte[] active, int k, int live, int count, string strategy, int tick, int firstUser)
    {
        for (var u = 0; u < active.Length; u++)
        {
            if (active[u] == 0)
            {
                continue;
            }

            var slate = slates.AsSpan(u * k, k);
            for (var j = 0; j < k; j++)
            {
                var item = slate[j];
                var problem = (uint)item >= (uint)count ? $"item {item} at position {j} is not in the catalog (items 0..{count - 1})"
                    : item >= live ? $"item {item} at position {j} has not arrived yet (live items 0..{live - 1})"
                    : slate[..j].IndexOf(item) is var first and >= 0 ? $"item {item} is shown twice (positions {first} and {j})"
                    : null;
                if (problem is not null)
                {
                    throw new StrategyException(
                        strategy,
                        $"strategy {strategy} at tick {tick}, user {firstUser + u}: {problem}; expected {k} distinct live items");
                }
            }
        }
    }

    /// <summary>
    /// Stops a run whose strategy recommended an item that has not arrived yet (items [0, live) are
    /// live). A strategy that ranks over the catalog's capacity instead of <c>Catalog.LiveCount</c>
    /// would otherwise show users items that do not exist yet, silently.
    /// </summary>
    public static void CheckLiveItems(int[] slates, byte[] active, int k, int live, string strategy, int tick)
    {
        for (var u = 0; u < active.Length; u++)
        {
            if (active[u] == 0)
            {
                continue;
            }

            for (var j = 0; j < k; j++)
            {
                var item = slates[(u * k) + j];
                if ((uint)item >= (uint)live)
                {
                    throw new InvalidOperationException(
                        $"strategy {strategy} recommended item {item} to user {u} at tick {tick}, but only items 0..{live - 1} are live");
                }
            }
        }
    }
}
