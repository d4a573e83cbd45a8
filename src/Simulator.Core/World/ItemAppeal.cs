using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// One world's per-item utility offsets when the catalog ages or has social proof:
/// b_i(t) = beta2 q_i + AgingWeight (R(age_i) - 1) + SocialProof ln(1 + c_i) (see
/// <see cref="ItemUtilityMath"/>), with c_i the clicks on item i in this world so far. Per world
/// because popularity emerges from what the world's strategy made users consume. Clicks are
/// collected per shard and merged in shard order (integers: exact whatever the schedule).
/// Layout: [M] columns over the catalog's capacity; entries of items not yet live stay 0 and are
/// never read (engines score only the live prefix).
/// </summary>
internal sealed class ItemAppeal : ICheckpointable, IDisposable
{
    private readonly CatalogDynamicsSpec _spec;
    private readonly ChoiceParameters _choice;
    private readonly float _tickLength;

    public ItemAppeal(IComputeEngine engine, int capacity, CatalogDynamicsSpec spec, ChoiceParameters choice, float tickLength)
    {
        _spec = spec;
        _choice = choice;
        _tickLength = tickLength;
        Clicks = new long[capacity];
        Offsets = engine.Bind(new float[capacity]);
        IdealBias = engine.Bind(new float[capacity]);
    }

    /// <summary>Clicks per item in this world since the start (carried from tick to tick).</summary>
    public long[] Clicks { get; }

    /// <summary>b_i this tick: the "quality" column of Choice under <see cref="ItemUtilityMath.WithOffsetColumn"/>.</summary>
    public IColumn<float> Offsets { get; }

    /// <summary>b_i / beta1 this tick: the item bias with which &lt;appeal, x_i&gt; + bias orders items by true utility.</summary>
    public IColumn<float> IdealBias { get; }

    /// <summary>Recomputes the offsets of the live items for this tick and uploads both columns.</summary>
    public void Update(int tick, int live, float[] quality, int[] arrivalTick)
    {
        var offsets = Offsets.Host;
        var bias = IdealBias.Host;
        var toBias = 1f / _choice.InterestWeight;
        for (var i = 0; i < live; i++)
        {
            var age = (tick - arrivalTick[i]) * _tickLength;
            offsets[i] = ItemUtilityMath.Offset(
                quality[i], _choice.QualityWeight, _spec.AgingCurve, _spec.AgingWeight, _spec.AgingScale, _spec.AgingShape, age, Clicks[i], _spec.SocialProof);
            bias[i] = offsets[i] * toBias;
        }

        Offsets.Upload();
        IdealBias.Upload();
    }

    /// <summary>Adds this tick's clicks: collected per shard, merged in shard order.</summary>
    public void CountClicks(ShardLayout shards, ParallelOptions parallel, int[] slates, int[] chosenPosition, int k)
    {
        var perShard = shards.Reduce(
            parallel,
            (start, end) =>
            {
                var clicked = new List<int>();
                for (var u = start; u < end; u++)
                {
                    if (chosenPosition[u] >= 0)
                    {
                        clicked.Add(slates[(u * k) + chosenPosition[u]]);
                    }
                }

                return clicked;
            },
            new List<List<int>>(),
            (all, part) =>
            {
                all.Add(part);
                return all;
            },
            PartialCodecs.Ints);
        foreach (var part in perShard)
        {
            foreach (var item in part)
            {
                Clicks[item]++;
            }
        }
    }

    public void ExchangeState(StateExchange state) => state.Longs("appeal.clicks", Clicks);

    public void Dispose()
    {
        Offsets.Dispose();
        IdealBias.Dispose();
    }
}
