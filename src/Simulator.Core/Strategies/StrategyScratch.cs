using Simulator.Core.Compute;

namespace Simulator.Core.Strategies;

/// <summary>
/// Columns shared by the strategies of a seed's worlds, one of each key whichever strategies ask
/// for it. A scratch column is written by a strategy in its Recommend and read by it (and by the
/// metrics, through its interest estimate) only until the end of its world's turn in the tick: the
/// worlds run their ticks one after another (<c>SimulationTick.Step</c>), so no world sees another's
/// values. <see cref="ColdStartNoise"/> is no scratch but a constant every world computes alike.
/// Strategies built without it (a <see cref="StrategyContext"/> without scratch: tests, benches)
/// bind their own columns.
/// </summary>
internal sealed class StrategyScratch : IDisposable
{
    /// <summary>[N x k] top-k scores the engine's ScoreTopK writes beside a slate; read by nothing.</summary>
    public const string SlateScores = "slateScores";

    /// <summary>[N x d] user vectors a strategy rebuilds in every Recommend before scoring (actr, oracle-lagged, the mlp strategies).</summary>
    public const string Vectors = "vectors";

    /// <summary>[N x 3d] the mlp strategies' behaviour features (Recommend's network input; Learn's minibatch).</summary>
    public const string MlpFeatures = "mlp.features";

    /// <summary>[N x d] the mlp strategies' network output.</summary>
    public const string MlpOutput = "mlp.output";

    /// <summary>[N x d] the mlp strategies' decayed interest estimate of this tick.</summary>
    public const string MlpEstimate = "mlp.estimate";

    /// <summary>[N x d] the mlp strategies' cold-start vector (scale 0.01), the same in every world: keyed by the seed and the user.</summary>
    public const string ColdStartNoise = "mlp.coldStart";

    private readonly IComputeEngine _engine;
    private readonly int _users;
    private readonly Dictionary<string, IColumn<float>> _floats = new(StringComparer.Ordinal);

    public StrategyScratch(IComputeEngine engine, int users)
    {
        _engine = engine;
        _users = users;
    }

    /// <summary>The shared column <paramref name="key"/> of <paramref name="width"/> floats per user, bound on first request (strategies ask in their constructors).</summary>
    public IColumn<float> Floats(string key, int width)
    {
        lock (_floats)
        {
            if (_floats.TryGetValue(key, out var column))
            {
                return column.Length == _users * width
                    ? column
                    : throw new InvalidOperationException($"scratch column {key} is {column.Length / _users} wide per user, asked for {width}");
            }

            column = _engine.Bind(new float[_users * width]);
            _floats.Add(key, column);
            return column;
        }
    }

    /// <summary>The keys bound so far, with their bytes.</summary>
    public IReadOnlyDictionary<string, long> Bytes
    {
        get
        {
            lock (_floats)
            {
                return _floats.ToDictionary(x => x.Key, x => 4L * x.Value.Length, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The scratch columns a built-in strategy asks for, with their bytes per user (for memory estimates; each key counts once per seed).</summary>
    public static IEnumerable<(string Key, long BytesPerUser)> ColumnsOf(string strategy, int dim, int k)
    {
        switch (strategy)
        {
            case "ema" or "decay-history" or "sliding-window" or "oracle-frozen" or "mf" or "mf-forgetting"
                or "gru4rec" or "time-lstm" or "sasrec" or "tisasrec":
                yield return (SlateScores, 4L * k);
                break;
            case "actr" or "oracle-lagged":
                yield return (SlateScores, 4L * k);
                yield return (Vectors, 4L * dim);
                break;
            case "mlp-forgetting" or "mlp-static" or "mlp-global-alpha":
                yield return (SlateScores, 4L * k);
                yield return (Vectors, 4L * dim);
                yield return (MlpFeatures, 4L * 3 * dim);
                yield return (MlpOutput, 4L * dim);
                yield return (MlpEstimate, 4L * dim);
                yield return (ColdStartNoise, 4L * dim);
                break;
        }
    }

    public void Dispose()
    {
        foreach (var column in _floats.Values)
        {
            column.Dispose();
        }
    }
}
