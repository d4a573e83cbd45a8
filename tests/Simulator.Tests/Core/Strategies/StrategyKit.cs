using Simulator.Core.Compute;
using Simulator.Core.Strategies;
using Simulator.Core.World;

namespace Simulator.Tests.Core.Strategies;

/// <summary>A tiny hand-built strategy context for update-rule tests.</summary>
internal sealed class StrategyKit : IDisposable
{
    public StrategyKit(int users, int dim, int k, float[] items, float[]? quality = null, int[]? topic = null, int shards = 1)
    {
        var m = items.Length / dim;
        Engine = new CpuEngine(1);
        topic ??= Enumerable.Range(0, m).Select(i => ArgMax(items.AsSpan(i * dim, dim))).ToArray();
        Catalog = new Catalog(Engine, items, quality ?? new float[m], topic, dim);
        Context = new StrategyContext(users, dim, k, Catalog, Engine, 3, new ShardLayout(users, shards), new ParallelOptions { MaxDegreeOfParallelism = 1 });
        Slates = Engine.Bind(new int[users * k]);
        IdealSlates = Engine.Bind(new int[users * k]);
        Interest = Engine.Bind(new float[users * dim]);
        Bias = Engine.Bind(new float[m]);
        Active = Enumerable.Repeat((byte)1, users).ToArray();
    }

    public CpuEngine Engine { get; }

    public Catalog Catalog { get; }

    public StrategyContext Context { get; }

    public IColumn<int> Slates { get; }

    public IColumn<int> IdealSlates { get; }

    public IColumn<float> Interest { get; }

    public IColumn<float> Bias { get; }

    public byte[] Active { get; }

    /// <summary>Calls Recommend at the tick and returns user u's slate.</summary>
    public int[][] Recommend(IStrategy strategy, int tick)
    {
        Interest.Upload();
        Bias.Upload();
        strategy.Recommend(new RecommendContext(tick, Active, Slates, new GroundTruth(IdealSlates, Interest, Bias)));
        var k = Context.K;
        return Enumerable.Range(0, Context.Users).Select(u => Slates.Host.AsSpan(u * k, k).ToArray()).ToArray();
    }

    /// <summary>Calls Learn with the given slates (flattened) and chosen positions.</summary>
    public void Learn(IStrategy strategy, int tick, int[] slates, int[] chosen) =>
        strategy.Learn(new FeedbackContext(tick, Active, slates, chosen, new float[chosen.Length]));

    public void Dispose()
    {
        Slates.Dispose();
        IdealSlates.Dispose();
        Interest.Dispose();
        Bias.Dispose();
        Catalog.Dispose();
        Engine.Dispose();
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var g = 1; g < row.Length; g++)
        {
            if (row[g] > row[best])
            {
                best = g;
            }
        }

        return best;
    }
}
