using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Strategies;

namespace Simulator.Tests.Cli.Plugins;

// Plugin classes the tests load from this very assembly, in a load context of its own, as a
// scenario's "plugin" entry would: good ones, and one for each way a plugin can go wrong.

/// <summary>The built-in ema behind the plugin door: its results must equal the built-in's.</summary>
public sealed class EmaPlugin(StrategyContext context, StrategySpec spec) : IStrategy
{
    private readonly IStrategy _inner = new EmaStrategy(context, spec["alpha"]);

    public static IReadOnlyList<StrategyParameter> Parameters { get; } = [new("alpha", 0.3, 0.0, 1.0, "weight of the newest click")];

    public static string Description => "ema, loaded as a plugin";

    public string Name => "ema-plugin";

    public void Recommend(RecommendContext context) => _inner.Recommend(context);

    public void Learn(FeedbackContext context) => _inner.Learn(context);

    public void ExchangeState(StateExchange state) => _inner.ExchangeState(state);

    public void Dispose() => _inner.Dispose();
}

/// <summary>Base of the faulty plugins: a valid rotating slate, spoilt at <see cref="FaultTick"/> for user 3.</summary>
public abstract class FaultyPlugin(StrategyContext context) : IStrategy
{
    public const int FaultTick = 2;

    public const int FaultUser = 3;

    protected StrategyContext Context { get; } = context;

    public string Name => GetType().Name;

    public virtual void Recommend(RecommendContext context)
    {
        var k = Context.K;
        var live = Context.Catalog.LiveCount;
        var slates = context.Slates.Host;
        for (var u = 0; u < Context.Users; u++)
        {
            for (var j = 0; j < k; j++)
            {
                slates[(u * k) + j] = (u + context.Tick + j) % live;
            }
        }

        if (context.Tick == FaultTick)
        {
            Spoil(slates.AsSpan(FaultUser * k, k), context);
        }
    }

    public void Learn(FeedbackContext context)
    {
    }

    public void ExchangeState(StateExchange state)
    {
    }

    public void Dispose()
    {
    }

    protected abstract void Spoil(Span<int> slate, RecommendContext context);
}

public sealed class DuplicatePlugin(StrategyContext context, StrategySpec spec) : FaultyPlugin(context)
{
    public StrategySpec Spec { get; } = spec;

    protected override void Spoil(Span<int> slate, RecommendContext context) => slate[1] = slate[0];
}

public sealed class OutOfRangePlugin(StrategyContext context, StrategySpec spec) : FaultyPlugin(context)
{
    public StrategySpec Spec { get; } = spec;

    protected override void Spoil(Span<int> slate, RecommendContext context) => slate[0] = Context.Catalog.Count + 5;
}

public sealed class NotLivePlugin(StrategyContext context, StrategySpec spec) : FaultyPlugin(context)
{
    public StrategySpec Spec { get; } = spec;

    protected override void Spoil(Span<int> slate, RecommendContext context) => slate[0] = Context.Catalog.LiveCount;
}

/// <summary>Scores through the engine with a NaN in user 3's vector at the fault tick.</summary>
public sealed class NanScorePlugin(StrategyContext context, StrategySpec spec) : FaultyPlugin(context)
{
    public StrategySpec Spec { get; } = spec;

    public override void Recommend(RecommendContext context)
    {
        var d = Context.Dim;
        using var vectors = Context.Engine.Bind(new float[Context.Users * d]);
        using var scores = Context.Engine.Bind(new float[Context.Users * Context.K]);
        Array.Fill(vectors.Host, 1f / d);
        if (context.Tick == FaultTick)
        {
            vectors.Host[(FaultUser * d) + 1] = float.NaN;
        }

        vectors.Upload();
        Context.Engine.ScoreTopK(new ScoreTopKOperands(Context.Users, Context.Catalog.LiveCount, d, Context.K, vectors, Context.Catalog.Items, null, context.Slates, scores));
        context.Slates.Download();
    }

    protected override void Spoil(Span<int> slate, RecommendContext context)
    {
    }
}

/// <summary>Throws from Recommend at the fault tick.</summary>
public sealed class ThrowingRecommendPlugin(StrategyContext context, StrategySpec spec) : FaultyPlugin(context)
{
    public StrategySpec Spec { get; } = spec;

    public override void Recommend(RecommendContext context)
    {
        base.Recommend(context);
        if (context.Tick == FaultTick)
        {
            throw new InvalidOperationException("model file went missing");
        }
    }

    protected override void Spoil(Span<int> slate, RecommendContext context)
    {
    }
}

public sealed class ThrowingConstructorPlugin : IStrategy
{
    public ThrowingConstructorPlugin(StrategyContext context, StrategySpec spec) =>
        throw new InvalidOperationException($"cannot open weights for {spec.Name} ({context.Users} users)");

    public string Name => "throws";

    public void Recommend(RecommendContext context)
    {
    }

    public void Learn(FeedbackContext context)
    {
    }

    public void ExchangeState(StateExchange state)
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>Not a strategy at all.</summary>
public sealed class NotAStrategy
{
    public override string ToString() => "not a strategy";
}

/// <summary>A strategy without the constructor the simulator calls.</summary>
public sealed class NoConstructorPlugin(int users) : IStrategy
{
    public string Name => $"none{users}";

    public void Recommend(RecommendContext context)
    {
    }

    public void Learn(FeedbackContext context)
    {
    }

    public void ExchangeState(StateExchange state)
    {
    }

    public void Dispose()
    {
    }
}
