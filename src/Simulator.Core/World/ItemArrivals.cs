using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// When each item of the preallocated catalog goes live. Items arrive in index order, so the live
/// set at any tick is the prefix [0, <see cref="LiveAt"/>(tick)): strategies and the oracle only
/// need the live count, and the engines score a prefix of the item columns. At tick 0 the
/// scenario's initial items are live; at each tick t &gt;= 1, Poisson(rate) more arrive (keyed by
/// (seed, CatalogArrival, tick), the same for every world), until the catalog is full.
/// </summary>
internal sealed class ItemArrivals
{
    /// <summary>Largest Poisson mean drawn by one inversion: e^-8 keeps the inversion sum accurate in double.</summary>
    private const double ChunkRate = 8.0;

    private readonly int[] _liveAt;

    public ItemArrivals(CatalogDynamicsSpec spec, int capacity, int ticks, ulong seed)
    {
        _liveAt = new int[ticks];
        ArrivalTick = new int[capacity];
        var live = spec.LiveAtStart(capacity);
        Array.Fill(ArrivalTick, int.MaxValue);
        Array.Fill(ArrivalTick, 0, 0, live);
        for (var t = 0; t < ticks; t++)
        {
            if (t > 0 && live < capacity && spec.ArrivalRate > 0f)
            {
                var arriving = (int)Math.Min(capacity - live, Poisson(seed, (uint)t, spec.ArrivalRate));
                Array.Fill(ArrivalTick, t, live, arriving);
                live += arriving;
            }

            _liveAt[t] = live;
        }
    }

    /// <summary>The tick each item arrives at; int.MaxValue for items that never arrive in the run.</summary>
    public int[] ArrivalTick { get; }

    /// <summary>Number of live items at a tick (items [0, count) are live).</summary>
    public int LiveAt(int tick) => _liveAt[tick];

    /// <summary>
    /// A Poisson(rate) draw keyed by (seed, tick): the sum of independent Poisson draws of mean at
    /// most <see cref="ChunkRate"/>, each by inversion of a 53-bit keyed uniform (exact up to
    /// double rounding, whatever the rate).
    /// </summary>
    public static long Poisson(ulong seed, uint tick, double rate)
    {
        var chunks = (int)Math.Ceiling(rate / ChunkRate);
        var chunkRate = rate / chunks;
        var total = 0L;
        for (var c = 0; c < chunks; c++)
        {
            var u = ((KeyedRandom.Bits(seed, RandomStreams.CatalogArrival, 0, tick, (uint)c) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
            var p = Math.Exp(-chunkRate);
            var cdf = p;
            var n = 0;
            while (u > cdf && p > 0)
            {
                n++;
                p *= chunkRate / n;
                cdf += p;
            }

            total += n;
        }

        return total;
    }
}
