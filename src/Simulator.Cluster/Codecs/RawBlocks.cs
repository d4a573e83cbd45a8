namespace Simulator.Cluster.Codecs;

/// <summary>
/// A float[] that crosses silo boundaries as one raw byte copy. Orleans' generic array codec
/// writes a float[] element by element (about 40 MB/s between silos); this wrapper's codec
/// (<see cref="FloatBlockCodec"/>) copies the bytes in one go (hundreds of MB/s). Keep each block
/// below <see cref="Chunking.MaxChunkBytes"/>: Orleans rejects messages over 100 MB.
/// </summary>
public sealed class FloatBlock(float[] values)
{
    public float[] Values { get; } = values;
}

/// <summary>The double[] twin of <see cref="FloatBlock"/>: per-seed metric series travel as one raw copy.</summary>
public sealed class DoubleBlock(double[] values)
{
    public double[] Values { get; } = values;
}
