using Simulator.Core.Simulation.Stages;
using Simulator.Core.World;

namespace Simulator.Core.Simulation;

/// <summary>
/// Thrown when a NaN or an infinity appears in a state column: the run stops at the first stage
/// and tick where it appeared, naming the strategy and the (smallest) user.
/// </summary>
public sealed class NumericalGuardException : Exception
{
    public NumericalGuardException(TickStage stage, string column, string strategy, int user, int tick, ulong seed, float value)
        : base($"numerical guard: {column} became {Describe(value)} in stage {stage} at tick {tick} (seed {seed}) for strategy {strategy}, user {user}; " +
               "the run was stopped. Check the scenario's extreme values (choice weights and temperature, forgetting and drift parameters)")
    {
        Stage = stage;
        Column = column;
        Strategy = strategy;
        User = user;
        Tick = tick;
        Seed = seed;
        Value = value;
    }

    public NumericalGuardException()
        : this("numerical guard: a value became NaN or infinite")
    {
    }

    public NumericalGuardException(string message)
        : base(message)
    {
        Column = Strategy = "unknown";
    }

    public NumericalGuardException(string message, Exception innerException)
        : base(message, innerException)
    {
        Column = Strategy = "unknown";
    }

    /// <summary>The tick stage after which the value was found (Drift, Forget, Recommend, Respond, Learn or Reinforce); null when not known.</summary>
    public TickStage? Stage { get; }

    /// <summary>The state column, e.g. Interest or ExpectedCtr.</summary>
    public string Column { get; }

    /// <summary>The strategy whose world holds the value; "population" for state shared by all worlds.</summary>
    public string Strategy { get; }

    /// <summary>The smallest user index with a non-finite value.</summary>
    public int User { get; }

    public int Tick { get; }

    public ulong Seed { get; }

    public float Value { get; }

    private static string Describe(float v) => float.IsNaN(v) ? "NaN" : v > 0 ? "+infinity" : "-infinity";
}

/// <summary>
/// Scans state columns for NaN and infinities per shard in parallel; reports the smallest user
/// (global index). A process that runs one shard of many checks its own users only: the first
/// shard to find a bad value stops the run.
/// </summary>
internal static class NumericalGuard
{
    /// <summary>The smallest user whose row (<paramref name="width"/> values per user) holds a non-finite value, with that value; user -1 when all are finite.</summary>
    public static (int User, float Value) FirstNonFinite(float[] column, int width, ShardLayout shards, ParallelOptions parallel) =>
        shards.ReduceInProcess(
            parallel,
            (_, start, end) =>
            {
                var from = (long)start * width;
                var to = Math.Min((long)end * width, column.Length);
                for (var i = from; i < to; i++)
                {
                    if (!float.IsFinite(column[i]))
                    {
                        return ((int)(i / width), column[i]);
                    }
                }

                return (-1, 0f);
            },
            (User: -1, Value: 0f),
            (found, shard) => found.User >= 0 ? found : shard);

    /// <summary>Throws <see cref="NumericalGuardException"/> when <paramref name="column"/> holds a NaN or an infinity.</summary>
    public static void Check(
        float[] column, int width, ShardLayout shards, ParallelOptions parallel, TickStage stage, string name, string strategy, int tick, ulong seed)
    {
        var (user, value) = FirstNonFinite(column, width, shards, parallel);
        if (user >= 0)
        {
            throw new NumericalGuardException(stage, name, strategy, shards.FirstUser + user, tick, seed, value);
        }
    }
}
