namespace Simulator.Core.Strategies.Learned;

/// <summary>
/// The seed model's forgetting function g(.; alpha): the share of an interest retained dt ticks
/// after the last engagement, R(dt; alpha) = (1 + e^-beta) / (1 + e^(alpha dt - beta)).
/// R(0) = 1 and R falls toward 0 as a sigmoid with midpoint beta / alpha and width 1 / alpha, the
/// same shape as the simulator's sigmoid curve, so one coefficient alpha (per user) sets the speed:
/// larger alpha forgets faster. beta (the shape) is a global hyper-parameter.
/// </summary>
internal static class AlphaRetention
{
    /// <summary>R(dt; alpha) for dt &gt;= 0.</summary>
    public static float Retain(float dt, float alpha, float beta) =>
        (1f + MathF.Exp(-beta)) / (1f + MathF.Exp((alpha * dt) - beta));
}
