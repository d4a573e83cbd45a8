using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.World;

namespace Simulator.Core.Strategies;

/// <summary>
/// A recommendation strategy acting in its own world. It sees the catalog, the slates it showed
/// and the responses to them; only oracles may read <see cref="RecommendContext.Truth"/>.
/// Per-user work must not depend on thread count; cross-user state (counts) is merged in shard order.
/// Everything a strategy learns must pass through <see cref="ICheckpointable.ExchangeState"/>, so a
/// run resumed from a checkpoint continues exactly where it stopped.
/// </summary>

public interface IStrategy : IDisposable, ICheckpointable
{
    string Name { get; }

    /// <summary>Writes a slate of k distinct items per user into <see cref="RecommendContext.Slates"/> (host array).</summary>
    void Recommend(RecommendContext context);

    /// <summary>Updates from the observed responses of this tick.</summary>
    void Learn(FeedbackContext context);
}

/// <summary>What a strategy is built with: sizes, the shared catalog, the engine and its seed.</summary>
public sealed record StrategyContext(
    int Users,
    int Dim,
    int K,
    Catalog Catalog,
    IComputeEngine Engine,
    ulong Seed,
    ShardLayout Shards,
    ParallelOptions Parallel)
{
    /// <summary>Columns shared by the strategies of the seed's worlds (<see cref="StrategyScratch"/>); null: each strategy binds its own.</summary>
    internal StrategyScratch? Scratch { get; init; }

    /// <summary>The shared scratch column <paramref name="key"/> (<paramref name="width"/> floats per user), or a column of the strategy's own when there is no scratch; <paramref name="owned"/>: whether the strategy disposes it.</summary>
    internal IColumn<float> ScratchOrOwn(string key, int width, out bool owned)
    {
        owned = Scratch is null;
        return Scratch?.Floats(key, width) ?? Engine.Bind(new float[Users * width]);
    }
}

/// <summary>
/// Ground truth of one world at recommendation time. Oracles only. <see cref="ItemBias"/> is the
/// world's per-item bias column (qualityWeight / interestWeight) * quality, so that
/// &lt;interest, x_i&gt; + bias_i orders items exactly as the true utility does; with attention aging
/// or social proof it is this tick's offset b_i / interestWeight instead. Under satiation the exact
/// order uses the effective interest (World.Satiation), not <see cref="Interest"/>, which stays the
/// true interest (tracking error is measured against it); the ideal slate already accounts for it.
/// </summary>
public sealed record GroundTruth(IColumn<int> IdealSlates, IColumn<float> Interest, IColumn<float> ItemBias);

/// <summary>The recommend call: tick, active users and the slate column to fill.</summary>
public sealed record RecommendContext(int Tick, byte[] Active, IColumn<int> Slates, GroundTruth Truth);

/// <summary>The learn call: what was shown and what the users did (position -1 = no click).</summary>
public sealed record FeedbackContext(int Tick, byte[] Active, int[] Slates, int[] ChosenPosition, float[] Dwell);
