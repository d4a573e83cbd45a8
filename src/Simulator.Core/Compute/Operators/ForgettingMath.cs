namespace Simulator.Core.Compute.Operators;

/// <summary>The shape of a forgetting curve: retention R(dt) with R(0) = 1, decreasing in dt.</summary>
public enum ForgettingCurve
{
    /// <summary>R = 2^(-dt/h); parameter 1 = half-life h; parameter 2 unused.</summary>
    Exponential = 0,

    /// <summary>R = (1 + e^(-m/s)) / (1 + e^((dt - m)/s)); parameter 1 = midpoint m, parameter 2 = width s.</summary>
    Sigmoid = 1,

    /// <summary>R = (1 + dt/tau)^(-d); parameter 1 = tau, parameter 2 = exponent d.</summary>
    PowerLaw = 2,
}

/// <summary>
/// Scalar reference of forgetting: the retention curves and the strength of an interest that
/// decays from its peak (reached at the last engagement) toward a baseline.
/// GPU kernels call these methods; the vectorised CPU engine is tested against them.
/// </summary>
public static class ForgettingMath
{
    /// <summary>Retention R(dt) in [0, 1], with R(0) = 1 for every curve.</summary>
    public static float Retention(ForgettingCurve curve, float dt, float p1, float p2)
    {
        switch (curve)
        {
            case ForgettingCurve.Exponential:
                return MathF.Exp(-0.6931472f * dt / p1);
            case ForgettingCurve.Sigmoid:
                return (1f + MathF.Exp(-p1 / p2)) / (1f + MathF.Exp((dt - p1) / p2));
            default:
                return MathF.Pow(1f + (dt / p1), -p2);
        }
    }

    /// <summary>Strength b + (peak - b) R(dt): decays toward the baseline b, never below it when peak >= b.</summary>
    public static float Strength(ForgettingCurve curve, float peak, float dt, float p1, float p2, float baseline) =>
        baseline + ((peak - baseline) * Retention(curve, dt, p1, p2));

    /// <summary>Reinforcement on consumption: w + eta (1 - w), which moves w toward 1.</summary>
    public static float Reinforce(float strength, float eta) => strength + (eta * (1f - strength));
}
