using Simulator.Core.World;

namespace Simulator.Core.Results;

/// <summary>
/// One example user followed through the first seed: the readable profile, the true forgetting
/// time scale and, for every strategy that estimates interest, the user's true interest in that
/// strategy's world (worlds differ because what a user consumes reinforces it) next to the
/// strategy's estimate, per tick. Reports draw these as the "example users" panel.
/// </summary>
public sealed record ExampleUserTrace(
    ulong Seed,
    int User,
    UserProfile Profile,
    float ForgettingTimeScale,
    int Dim,
    IReadOnlyList<InterestTrace> Strategies);

/// <summary>
/// True interest and a strategy's estimate of it, per tick [ticks x dim], row-major by tick.
/// The estimate is NaN at ticks where the strategy had none yet.
/// </summary>
public sealed record InterestTrace(string Strategy, float[] Truth, float[] Estimate);
