using System.Runtime.InteropServices;

namespace Simulator.Core.World;

/// <summary>
/// Exact byte encodings of the partial results that cross-user reductions exchange between shard
/// processes. Values are copied bit for bit (doubles included), so a decoded partial folds to the
/// same bytes as the original. Count arrays are sent sparse: a shard touches at most its users'
/// slates, often far fewer than the catalog's items.
/// </summary>
internal static class PartialCodecs
{
    /// <summary>A list of item indices (clicked items of a shard, in user order).</summary>
    public static IPartialCodec<List<int>> Ints { get; } = new IntListCodec();

    /// <summary>Two per-item count arrays of the catalog's length (clicks and shows).</summary>
    public static IPartialCodec<(long[] First, long[] Second)> CountPair { get; } = new CountPairCodec();

    /// <summary>Two double arrays (a matrix and a vector), raw.</summary>
    public static IPartialCodec<(double[] First, double[] Second)> DoublePair { get; } = new DoublePairCodec();

    /// <summary>Writes the non-zero entries of <paramref name="counts"/> as (index, value) pairs after their number.</summary>
    public static void WriteSparse(BinaryWriter w, long[] counts)
    {
        w.Write(counts.Length);
        var nonZero = 0;
        foreach (var c in counts)
        {
            nonZero += c != 0 ? 1 : 0;
        }

        w.Write(nonZero);
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                w.Write(i);
                w.Write(counts[i]);
            }
        }
    }

    public static long[] ReadSparse(BinaryReader r)
    {
        var counts = new long[r.ReadInt32()];
        var nonZero = r.ReadInt32();
        for (var n = 0; n < nonZero; n++)
        {
            var i = r.ReadInt32();
            counts[i] = r.ReadInt64();
        }

        return counts;
    }

    public static void WriteDoubles(BinaryWriter w, double[] values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public static double[] ReadDoubles(BinaryReader r)
    {
        var values = new double[r.ReadInt32()];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Encodes with a writer over memory (no file I/O).</summary>
    public static byte[] Write(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            write(w);
        }

        return stream.ToArray();
    }

    public static T Read<T>(byte[] bytes, Func<BinaryReader, T> read)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        return read(r);
    }

    private sealed class IntListCodec : IPartialCodec<List<int>>
    {
        public byte[] Encode(List<int> partial) => MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(partial)).ToArray();

        public List<int> Decode(byte[] bytes) => [.. MemoryMarshal.Cast<byte, int>(bytes.AsSpan())];
    }

    private sealed class CountPairCodec : IPartialCodec<(long[] First, long[] Second)>
    {
        public byte[] Encode((long[] First, long[] Second) partial) => Write(w =>
        {
            WriteSparse(w, partial.First);
            WriteSparse(w, partial.Second);
        });

        public (long[] First, long[] Second) Decode(byte[] bytes) => Read(bytes, r => (ReadSparse(r), ReadSparse(r)));
    }

    private sealed class DoublePairCodec : IPartialCodec<(double[] First, double[] Second)>
    {
        public byte[] Encode((double[] First, double[] Second) partial) => Write(w =>
        {
            WriteDoubles(w, partial.First);
            WriteDoubles(w, partial.Second);
        });

        public (double[] First, double[] Second) Decode(byte[] bytes) => Read(bytes, r => (ReadDoubles(r), ReadDoubles(r)));
    }
}
