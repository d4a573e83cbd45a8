using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Strategies;

namespace Simulator.Cli.Plugins;

/// <summary>
/// A plugin strategy as the world sees it: every call forwarded, and anything it throws turned
/// into a <see cref="StrategyException"/> naming the strategy, the call and the tick (exit 1,
/// no run folder). Its slates are checked by the Recommend stage (the descriptor's CheckSlates).
/// </summary>
internal sealed class GuardedStrategy(string name, IStrategy inner, CheckedEngine engine) : IStrategy
{
    public string Name => name;

    public void Recommend(RecommendContext context)
    {
        engine.Tick = context.Tick;
        Guard(nameof(Recommend), context.Tick, () => inner.Recommend(context));
    }

    public void Learn(FeedbackContext context) => Guard(nameof(Learn), context.Tick, () => inner.Learn(context));

    public void ExchangeState(StateExchange state) => Guard(nameof(ExchangeState), null, () => inner.ExchangeState(state));

    public void Dispose() => inner.Dispose();

    /// <summary>The exception behind reflection and parallel-loop wrappers.</summary>
    public static Exception Cause(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case System.Reflection.TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    break;
                default:
                    return e;
            }
        }
    }

    private void Guard(string call, int? tick, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (Cause(e) is not (StrategyException or OperationCanceledException or CheckpointException))
        {
            var cause = Cause(e);
            var when = tick is int t ? $" at tick {t}" : string.Empty;
            throw new StrategyException(name, $"strategy {name}{when}: {call} threw {cause.GetType().Name}: {cause.Message}", inner: cause);
        }
        catch (Exception e) when (Cause(e) is StrategyException strategy && !ReferenceEquals(e, strategy))
        {
            throw strategy;
        }
    }
}

/// <summary>
/// The engine a plugin gets: the run's engine, with each ScoreTopK's user vectors, item bias and
/// scores checked for NaN and infinity, so a plugin that scores garbage stops the run naming the
/// strategy, the tick and the user instead of showing arbitrary slates.
/// </summary>
internal sealed class CheckedEngine(IComputeEngine inner, string strategy) : IComputeEngine
{
    /// <summary>The tick of the Recommend call in progress (-1 before the first).</summary>
    public int Tick { get; set; } = -1;

    public EngineInfo Info => inner.Info;

    public IColumn<T> Bind<T>(T[] host)
        where T : unmanaged => inner.Bind(host);

    public void Decay(in DecayOperands op) => inner.Decay(op);

    public void MlpForward(in MlpOperands op) => inner.MlpForward(op);

    public void ScoreTopK(in ScoreTopKOperands op)
    {
        Check(op.UserVectors.Host, op.Dim, op.Users, "its user vector");
        if (op.ItemBias is { } bias)
        {
            for (var i = 0; i < op.ItemCount; i++)
            {
                if (!float.IsFinite(bias.Host[i]))
                {
                    throw new StrategyException(strategy, $"strategy {strategy} at tick {Tick}: NaN or infinite score: item bias {i} is {bias.Host[i]}");
                }
            }
        }

        inner.ScoreTopK(op);
        op.TopScores.Download();
        Check(op.TopScores.Host, op.K, op.Users, "a top-k score");
    }

    public void Choice(in ChoiceOperands op) => inner.Choice(op);

    public void Reinforce(in ReinforceOperands op) => inner.Reinforce(op);

    public void RecurrentStep(in RecurrentStepOperands op) => inner.RecurrentStep(op);

    public void RecurrentReadout(in RecurrentReadoutOperands op) => inner.RecurrentReadout(op);

    public void AttentionReadout(in AttentionReadoutOperands op) => inner.AttentionReadout(op);

    public void Synchronize() => inner.Synchronize();

    /// <summary>Not the plugin's to dispose: the run owns the engine.</summary>
    public void Dispose()
    {
    }

    private void Check(float[] values, int width, int users, string what)
    {
        var n = Math.Min(values.Length, (long)width * users);
        for (var i = 0; i < n; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new StrategyException(strategy, $"strategy {strategy} at tick {Tick}, user {i / width}: NaN or infinite score ({what} holds {values[i]})");
            }
        }
    }
}
