using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;
using Simulator.Core.Scenarios;

namespace Simulator.Core.World;

/// <summary>
/// The item catalog, shared read-only by every strategy's world (held once per seed).
/// Layout: Items is row-major [M x d] (one contiguous embedding per item), which is what the
/// engines' scoring transposes or tiles; Quality [M]; Topic [M] is each item's primary topic.
/// </summary>
public sealed class Catalog : IDisposable, ICheckpointable
{
    public Catalog(IComputeEngine engine, CatalogSpec spec, int dim, ulong seed)
    {
        Count = spec.Items;
        LiveCount = Count;
        Dim = dim;
        var items = new float[Count * dim];
        var quality = new float[Count];
        var topic = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            var primary = (int)(KeyedRandom.Bits(seed, RandomStreams.CatalogEmbedding, 0, 0, (uint)i) % (ulong)dim);
            topic[i] = primary;
            var row = items.AsSpan(i * dim, dim);

            // Focus mass on the primary topic; the rest spread by random positive weights.
            var rest = 0f;
            for (var g = 0; g < dim; g++)
            {
                var w = g == primary ? 0f : KeyedRandom.Uniform(seed, RandomStreams.CatalogEmbedding, 1 + (uint)g, 0, (uint)i);
                row[g] = w;
                rest += w;
            }

            var scale = rest > 0f ? (1f - spec.Focus) / rest : 0f;
            for (var g = 0; g < dim; g++)
            {
                row[g] *= scale;
            }

            row[primary] = dim == 1 ? 1f : spec.Focus;
            quality[i] = spec.QualitySd * KeyedRandom.Normal(seed, RandomStreams.CatalogQuality, 0, 0, (uint)i);
        }

        Items = engine.Bind(items);
        Quality = engine.Bind(quality);
        Topic = engine.Bind(topic);
        Items.Upload();
        Quality.Upload();
        Topic.Upload();
    }

    /// <summary>A catalog from given arrays (tests: hand-set embeddings). Items is [M x d] row-major.</summary>
    internal Catalog(IComputeEngine engine, float[] items, float[] quality, int[] topic, int dim)
    {
        Count = quality.Length;
        LiveCount = Count;
        Dim = dim;
        Items = engine.Bind(items);
        Quality = engine.Bind(quality);
        Topic = engine.Bind(topic);
        Items.Upload();
        Quality.Upload();
        Topic.Upload();
    }

    /// <summary>Capacity: every item the run can ever have (arrivals are preallocated).</summary>
    public int Count { get; }

    /// <summary>
    /// Items live this tick: [0, LiveCount) (they arrive in index order; see <see cref="ItemArrivals"/>).
    /// Strategies must recommend only these; equal to <see cref="Count"/> when the catalog is static.
    /// </summary>
    public int LiveCount { get; internal set; }

    public int Dim { get; }

    public IColumn<float> Items { get; }

    public IColumn<float> Quality { get; }

    public IColumn<int> Topic { get; }

    /// <summary>The catalog is static today; kept whole so arrivals or aging added later resume exactly.</summary>
    public void ExchangeState(StateExchange state)
    {
        state.Column("items", Items);
        state.Column("quality", Quality);
        state.Column("topic", Topic);
    }

    public void Dispose()
    {
        Items.Dispose();
        Quality.Dispose();
        Topic.Dispose();
    }
}
