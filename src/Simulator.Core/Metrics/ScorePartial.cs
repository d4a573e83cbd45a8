using Simulator.Core.World;

namespace Simulator.Core.Metrics;

/// <summary>
/// One shard's contribution to a world's tick score: its metric sums and, when a metric keeps
/// exposure counts, its per-item exposures of the tick.
/// </summary>
public sealed record ScorePartial(MetricSums Sums, long[]? Exposure)
{
    /// <summary>Sums raw, exposures sparse (a shard shows at most users x k distinct items).</summary>
    public static IPartialCodec<ScorePartial> Codec { get; } = new ScorePartialCodec();

    /// <summary>One shard's partials of every world, in strategy order.</summary>
    public static IPartialCodec<ScorePartial[]> Worlds { get; } = new WorldsCodec();

    private sealed class WorldsCodec : IPartialCodec<ScorePartial[]>
    {
        public byte[] Encode(ScorePartial[] partial) => PartialCodecs.Write(w =>
        {
            w.Write(partial.Length);
            foreach (var world in partial)
            {
                var bytes = Codec.Encode(world);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        });

        public ScorePartial[] Decode(byte[] bytes) => PartialCodecs.Read(bytes, r =>
        {
            var worlds = new ScorePartial[r.ReadInt32()];
            for (var i = 0; i < worlds.Length; i++)
            {
                worlds[i] = Codec.Decode(r.ReadBytes(r.ReadInt32()));
            }

            return worlds;
        });
    }

    private sealed class ScorePartialCodec : IPartialCodec<ScorePartial>
    {
        public byte[] Encode(ScorePartial partial) => PartialCodecs.Write(w =>
        {
            partial.Sums.Write(w);
            w.Write(partial.Exposure is not null);
            if (partial.Exposure is not null)
            {
                PartialCodecs.WriteSparse(w, partial.Exposure);
            }
        });

        public ScorePartial Decode(byte[] bytes) => PartialCodecs.Read(bytes, r =>
        {
            var sums = MetricSums.Read(r);
            return new ScorePartial(sums, r.ReadBoolean() ? PartialCodecs.ReadSparse(r) : null);
        });
    }
}
