using System.Buffers.Text;
using Simulator.Core.Simulation;

namespace Simulator.Storage.Export;

/// <summary>
/// Writes the interactions.csv rows of one finished tick: for each world in strategy order, each
/// active user in user order, each slate position in order. Allocation-free per row.
/// </summary>
public static class InteractionRows
{
    /// <summary>Writes the tick's rows; <paramref name="strategyFields"/> holds each world's escaped strategy name. Returns the row count.</summary>
    public static long Write(Utf8CsvWriter csv, TickView tick, IReadOnlyList<byte[]> strategyFields)
    {
        var k = tick.K;
        var rows = 0L;
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        for (var w = 0; w < tick.Worlds.Count; w++)
        {
            var world = tick.Worlds[w];

            // seed,strategy,tick is the same on every row of this world and tick: format it once.
            var prefixLength = Prefix(prefix, tick.Seed, strategyFields[w], tick.Tick);
            var rowPrefix = prefix[..prefixLength];
            var slates = world.Slates.Span;
            var probabilities = world.Probabilities.Span;
            var chosen = world.ChosenPosition.Span;
            var dwell = world.Dwell.Span;
            var active = world.Active.Span;
            for (var u = 0; u < active.Length; u++)
            {
                if (active[u] == 0)
                {
                    continue;
                }

                for (var j = 0; j < k; j++)
                {
                    var clicked = chosen[u] == j;
                    csv.Write(rowPrefix);
                    csv.Write(u);
                    csv.Write(j);
                    csv.Write(slates[(u * k) + j]);
                    csv.Write(probabilities[(u * k) + j]);
                    csv.Write(clicked ? 1 : 0);
                    if (clicked)
                    {
                        csv.Write(dwell[u]);
                    }
                    else
                    {
                        csv.Write(0);
                    }

                    csv.EndRow();
                }

                rows += k;
            }
        }

        return rows;
    }

    /// <summary>Room for "seed,strategy,tick": a ulong, a strategy name (names are short identifiers) and an int.</summary>
    private const int PrefixBytes = 512;

    private static int Prefix(Span<byte> destination, ulong seed, byte[] strategy, int tickIndex)
    {
        if (strategy.Length > PrefixBytes - 64)
        {
            throw new ArgumentException($"strategy name of {strategy.Length} bytes is too long for an export row", nameof(strategy));
        }

        Utf8Formatter.TryFormat(seed, destination, out var used);
        destination[used++] = (byte)',';
        strategy.CopyTo(destination[used..]);
        used += strategy.Length;
        destination[used++] = (byte)',';
        Utf8Formatter.TryFormat(tickIndex, destination[used..], out var written);
        return used + written;
    }
}
