using Simulator.Core.Checkpoints;
using Simulator.Core.Randomness;

namespace Simulator.Core.Strategies;

/// <summary>
/// random: k distinct live items drawn uniformly per user and tick (keyed draws, rejection of repeats).
/// Learns nothing. The floor every other strategy must beat.
/// </summary>
internal sealed class RandomStrategy(StrategyContext context) : IStrategy
{
    public string Name => "random";

    public void Recommend(RecommendContext ctx)
    {
        var slates = ctx.Slates.Host;
        var k = context.K;
        var m = (uint)context.Catalog.LiveCount;
        context.Shards.ForEach(context.Parallel, (start, end) =>
        {
            for (var u = start; u < end; u++)
            {
                var slate = slates.AsSpan(u * k, k);
                var draw = 0u;
                for (var j = 0; j < k; j++)
                {
                    int item;
                    do
                    {
                        item = (int)(KeyedRandom.Bits(context.Seed, RandomStreams.StrategyRandom, (uint)(context.Shards.FirstUser + u), (uint)ctx.Tick, draw++) % m);
                    }
                    while (slate[..j].Contains(item));

                    slate[j] = item;
                }
            }
        });
    }

    public void Learn(FeedbackContext context)
    {
    }

    /// <summary>Stateless: slates depend only on (seed, user, tick).</summary>
    public void ExchangeState(StateExchange state)
    {
    }

    public void Dispose()
    {
    }
}
