namespace Simulator.Cluster.Codecs;

/// <summary>
/// Splits big arrays into blocks that stay well under Orleans' default 100 MB message limit, and
/// reassembles them in offset order.
/// </summary>
public static class Chunking
{
    /// <summary>16 MiB per message: far below the 100 MB limit, large enough that per-call overhead is negligible.</summary>
    public const int MaxChunkBytes = 16 * 1024 * 1024;

    /// <summary>Elements of <typeparamref name="T"/> per chunk.</summary>
    public static int ChunkLength<T>()
        where T : unmanaged => MaxChunkBytes / System.Runtime.InteropServices.Marshal.SizeOf<T>();

    /// <summary>(offset, count) of each chunk of an array of <paramref name="length"/> elements.</summary>
    public static IEnumerable<(int Offset, int Count)> Ranges(int length, int chunkLength)
    {
        for (var offset = 0; offset < length; offset += chunkLength)
        {
            yield return (offset, Math.Min(chunkLength, length - offset));
        }
    }

    /// <summary>Fetches an array of <paramref name="length"/> doubles chunk by chunk, one call at a time.</summary>
    public static async Task<double[]> FetchAsync(int length, Func<int, int, Task<DoubleBlock>> fetchChunk)
    {
        var result = new double[length];
        foreach (var (offset, count) in Ranges(length, ChunkLength<double>()))
        {
            var block = await fetchChunk(offset, count).ConfigureAwait(false);
            if (block.Values.Length != count)
            {
                throw new InvalidOperationException($"chunk at {offset} has {block.Values.Length} values, expected {count}");
            }

            block.Values.CopyTo(result, offset);
        }

        return result;
    }
}
