using Orleans;
using Simulator.Cluster.Codecs;

namespace Simulator.Cluster.Bench;

/// <summary>
/// A shard stand-in for the coordination bench: it does no simulation work, so a barrier round
/// trip measures only the cluster's overhead. Key: (slot, bench id), placed by slot over silos.
/// </summary>
public interface IShardProbeGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>One tick of a shard with no work: returns its (fixed) partial metric sums as a raw block.</summary>
    Task<FloatBlock> Step(int tick);

    /// <summary>The silo this shard lives on, as a label.</summary>
    Task<string> Where();

    /// <summary>Sends <paramref name="bytes"/> of floats to <paramref name="target"/> in chunks, raw or as a plain float[]; returns seconds.</summary>
    [ResponseTimeout("00:10:00")]
    Task<double> SendTo(IShardProbeGrain target, int bytes, bool raw);

    /// <summary>
    /// Runs <paramref name="rounds"/> exchange rounds of <paramref name="payloadBytes"/> each at
    /// <paramref name="exchangeKey"/>, exactly as a shard worker's simulation thread does at each
    /// cross-user reduction; returns each round's milliseconds.
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task<double[]> ExchangeRounds(string exchangeKey, int rounds, int payloadBytes);

    Task Accept(FloatBlock block);

    Task AcceptPlain(float[] values);
}

/// <summary>The bench's coordinator: holds the tick barrier over the shard probes and merges their sums in shard order.</summary>
public interface IBarrierProbeGrain : IGrainWithStringKey
{
    /// <summary>Milliseconds of each timed tick's barrier round trip (after warm-up ticks).</summary>
    [ResponseTimeout("00:10:00")]
    Task<double[]> Barrier(int shards, int warmupTicks, int ticks);
}
