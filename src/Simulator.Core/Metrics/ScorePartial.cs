using Simulator.Core.World;

namespace Simulator.Core.Metrics;

/// <summary>
/// One shard's contribution to a world's tick score: its metric sums and, when a metric keeps
/// exposure counts, its per-item exposures of the tick.
/// </summary>
internal sealed record ScorePartial(MetricSums Sums, long[]? Exposure)
{
    /// <summary>One shard's partials of every world, in strategy order: sums raw, exposures sparse (a shard shows at most users x k distinct items).</summary>
    public static IPartialCodec<ScorePartial[]> Worlds { get; } = new WorldsCodec();

    private void Write(BinaryWriter w)
    {
        Sums.Write(w);
        w.Write(Exposure is not null);
        if (Exposure is not null)
        {
            PartialCodecs.WriteSparse(w, Exposure);
        }
    }

    private static ScorePartial Read(BinaryReader r)
    {
        var sums = MetricSums.Read(r);
        return new ScorePartial(sums, r.ReadBoolean() ? PartialCodecs.ReadSparse(r) : null);
    }

    private sealed class WorldsCodec : IPartialCodec<ScorePartial[]>
    {
        public byte[] Encode(ScorePartial[] partial) => PartialCodecs.Write(w =>
        {
            w.Write(partial.Length);
            foreach (var world in partial)
            {
                world.Write(w);
            }
        });

        public ScorePartial[] Decode(byte[] bytes) => PartialCodecs.Read(bytes, r =>
        {
            var worlds = new ScorePartial[r.ReadInt32()];
            for (var i = 0; i < worlds.Length; i++)
            {
                worlds[i] = Read(r);
            }

            return worlds;
        });
    }
}
