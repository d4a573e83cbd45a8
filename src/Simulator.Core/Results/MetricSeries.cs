namespace Simulator.Core.Results;

/// <summary>
/// Per-tick metric values of a run, indexed (strategy, seed, tick, metric). One flat array,
/// metric fastest, so a (strategy, seed) block is one contiguous time series table.
/// </summary>
public sealed class MetricSeries
{
    private readonly double[] _values;

    public MetricSeries(int strategies, int seeds, int ticks, int metrics)
    {
        Strategies = strategies;
        Seeds = seeds;
        Ticks = ticks;
        Metrics = metrics;
        _values = new double[(long)strategies * seeds * ticks * metrics];
    }

    public int Strategies { get; }

    public int Seeds { get; }

    public int Ticks { get; }

    public int Metrics { get; }

    public double this[int strategy, int seed, int tick, int metric]
    {
        get => _values[Index(strategy, seed, tick, metric)];
        set => _values[Index(strategy, seed, tick, metric)] = value;
    }

    /// <summary>The series of one metric over time for one strategy and seed.</summary>
    public double[] Series(int strategy, int seed, int metric)
    {
        var result = new double[Ticks];
        for (var t = 0; t < Ticks; t++)
        {
            result[t] = this[strategy, seed, t, metric];
        }

        return result;
    }

    /// <summary>Moves every value (finished ticks and the zeros not yet reached) into or out of a checkpoint.</summary>
    public void ExchangeState(Checkpoints.StateExchange state) => state.Doubles("series", _values);

    private long Index(int strategy, int seed, int tick, int metric) =>
        ((((((long)strategy * Seeds) + seed) * Ticks) + tick) * Metrics) + metric;
}
