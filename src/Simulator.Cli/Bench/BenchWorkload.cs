using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Randomness;

namespace Simulator.Cli.Bench;

/// <summary>
/// The canonical tick workload (tick-1M, docs/performance.md) at a given size, bound to one engine:
/// sigmoid decay of true interest, MLP d -> 64 -> d forward, fused score + top-k over all items,
/// MNL choice over the slates, reinforcement. Columns are uploaded once, so a GPU engine is
/// timed device-resident, as the tick would run there.
/// </summary>
public sealed class BenchWorkload : IDisposable
{
    public const int Hidden = 64;
    private readonly List<IDisposable> _columns = [];

    public BenchWorkload(IComputeEngine engine, int users, int items, int dim, int k, ulong seed = 7)
    {
        Engine = engine;
        Users = users;
        Items = items;
        Dim = dim;
        K = k;
        var n = users * dim;
        var peak = Fill(n, i => 0.5f + (0.5f * Uniform(seed, 0, i)));
        var last = new int[n];
        for (var i = 0; i < n; i++)
        {
            last[i] = -(int)(Uniform(seed, 1, i) * 20f);
        }

        Peak = Bind(peak);
        LastEngaged = Bind(last);
        CurveP1 = Bind(Fill(users, i => 8f + (4f * Uniform(seed, 2, i))));
        CurveP2 = Bind(Fill(users, i => 2f + Uniform(seed, 3, i)));
        Preference = Bind(Fill(n, i => Uniform(seed, 4, i) / dim));
        Interest = Bind(new float[n]);
        Embedding = Bind(new float[n]);
        ItemVectors = Bind(Fill(items * dim, i => Uniform(seed, 5, i) / dim));
        Quality = Bind(Fill(items, i => Uniform(seed, 6, i) - 0.5f));
        var topic = new int[items];
        for (var i = 0; i < items; i++)
        {
            topic[i] = i % dim;
        }

        ItemTopic = Bind(topic);
        TopItems = Bind(new int[users * k]);
        TopScores = Bind(new float[users * k]);
        Chosen = Bind(new int[users]);
        Ctr = Bind(new float[users]);
        Probabilities = Bind(new float[users * k]);
        Dwell = Bind(new float[users]);
        var scale = 1f / MathF.Sqrt(dim);
        Layers =
        [
            new MlpLayer(Bind(Fill(dim * Hidden, i => (Uniform(seed, 7, i) - 0.5f) * scale)), Bind(new float[Hidden]), dim, Hidden, Activation.Relu),
            new MlpLayer(Bind(Fill(Hidden * dim, i => (Uniform(seed, 8, i) - 0.5f) * 0.125f)), Bind(new float[dim]), Hidden, dim, Activation.Linear),
        ];
        foreach (var column in _columns)
        {
            switch (column)
            {
                case IColumn<float> f:
                    f.Upload();
                    break;
                case IColumn<int> i:
                    i.Upload();
                    break;
            }
        }
    }

    public IComputeEngine Engine { get; }

    public int Users { get; }

    public int Items { get; }

    public int Dim { get; }

    public int K { get; }

    public IColumn<float> Peak { get; }

    public IColumn<int> LastEngaged { get; }

    public IColumn<float> CurveP1 { get; }

    public IColumn<float> CurveP2 { get; }

    public IColumn<float> Preference { get; }

    public IColumn<float> Interest { get; }

    public IColumn<float> Embedding { get; }

    public IColumn<float> ItemVectors { get; }

    public IColumn<float> Quality { get; }

    public IColumn<int> ItemTopic { get; }

    public IColumn<int> TopItems { get; }

    public IColumn<float> TopScores { get; }

    public IColumn<int> Chosen { get; }

    public IColumn<float> Ctr { get; }

    public IColumn<float> Probabilities { get; }

    public IColumn<float> Dwell { get; }

    public IReadOnlyList<MlpLayer> Layers { get; }

    /// <summary>Bytes held in columns (host side; a GPU engine mirrors them on the device).</summary>
    public static long EstimateBytes(long users, long items, long dim, long k) =>
        (users * dim * 4 * 6) + (users * 4 * 4) + (users * k * 4 * 3) + (items * ((dim * 4) + 8));

    public void Decay(int tick) => Engine.Decay(new DecayOperands(
        Users, Dim, ForgettingCurve.Sigmoid, Peak, LastEngaged, CurveP1, CurveP2, Preference, Interest, 0.1f, tick, 1f));

    public void Mlp() => Engine.MlpForward(new MlpOperands(Users, Layers, Interest, Embedding));

    public void ScoreTopK() => Engine.ScoreTopK(new ScoreTopKOperands(
        Users, Items, Dim, K, Embedding, ItemVectors, null, TopItems, TopScores));

    /// <summary>
    /// The CPU engine's int8 prefilter alone over the score + top-k operands (no rescoring, no
    /// top-k); false where the engine has none or it would not run at this size.
    /// </summary>
    public bool Prefilter() => Engine is CpuEngine cpu && cpu.PrefilterOnly(new ScoreTopKOperands(
        Users, Items, Dim, K, Embedding, ItemVectors, null, TopItems, TopScores)) >= 0;

    public void Choice(int tick) => Engine.Choice(new ChoiceOperands(
        Users, Items, Dim, K, Interest, TopItems, ItemVectors, Quality, null,
        new ChoiceParameters(12f, 0.5f, 1f, 1.5f, 0.9f, 2f, 0.3f, 0.5f), 7, tick, Chosen, Ctr, Probabilities, Dwell));

    public void Reinforce(int tick) => Engine.Reinforce(new ReinforceOperands(
        Users, Dim, K, ForgettingCurve.Sigmoid, Peak, LastEngaged, CurveP1, CurveP2, TopItems, Chosen, ItemTopic, 0.1f, 0.6f, tick, 1f));

    /// <summary>One whole tick: the five stages in tick order.</summary>
    public void Tick(int tick)
    {
        Decay(tick);
        Mlp();
        ScoreTopK();
        Choice(tick);
        Reinforce(tick);
    }

    public void Dispose()
    {
        foreach (var column in _columns)
        {
            column.Dispose();
        }
    }

    private static float Uniform(ulong seed, uint stream, int i) => KeyedRandom.Uniform(seed, RandomStreams.Bench, stream, 0, (uint)i);

    /// <summary>A float array filled in parallel chunks (every value a keyed draw, so the order does not matter).</summary>
    internal static float[] Fill(int length, Func<int, float> value)
    {
        var a = new float[length];
        Parallel.For(0, (length + 65535) / 65536, c =>
        {
            var end = Math.Min(length, (c + 1) * 65536);
            for (var i = c * 65536; i < end; i++)
            {
                a[i] = value(i);
            }
        });
        return a;
    }

    private IColumn<T> Bind<T>(T[] host)
        where T : unmanaged
    {
        var column = Engine.Bind(host);
        _columns.Add(column);
        return column;
    }
}
