using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Fitting;

/// <summary>
/// A forgetting curve in double precision with its closed-form integral, for likelihoods.
/// Parameter meanings follow <see cref="ForgettingCurve"/>; R(0) = 1 for every family.
/// The integral makes the gap likelihood exact (no numerical quadrature): the cumulative
/// re-engagement intensity of a curve is known analytically for all three families.
/// </summary>
public readonly record struct CurveShape(ForgettingCurve Curve, double P1, double P2)
{
    private const double Ln2 = 0.6931471805599453;

    /// <summary>Number of free shape parameters of the family (the exponential has no parameter 2).</summary>
    public static int ShapeParameters(ForgettingCurve curve) => curve == ForgettingCurve.Exponential ? 1 : 2;

    /// <summary>
    /// The curve of a user whose forgetting is <paramref name="factor"/> times slower: the same
    /// scaling the simulator applies per user (parameter 1, and the sigmoid's width too).
    /// </summary>
    public CurveShape Scaled(double factor) =>
        this with { P1 = P1 * factor, P2 = Curve == ForgettingCurve.Sigmoid ? P2 * factor : P2 };

    /// <summary>Retention R(dt) in [0, 1]; the double-precision twin of <see cref="ForgettingMath.Retention"/>.</summary>
    public double Retention(double dt) => Curve switch
    {
        ForgettingCurve.Exponential => Math.Exp(-Ln2 * dt / P1),
        ForgettingCurve.Sigmoid => (1 + Math.Exp(-P1 / P2)) / (1 + Math.Exp((dt - P1) / P2)),
        _ => Math.Pow(1 + (dt / P1), -P2),
    };

    /// <summary>
    /// The time at which R falls to 1/2 (strength halfway from its peak to the baseline): the
    /// half-life, the sigmoid's m + s ln(1 + 2 e^(-m/s)), the power law's tau (2^(1/d) - 1).
    /// </summary>
    public double HalfTime() => Curve switch
    {
        ForgettingCurve.Exponential => P1,
        ForgettingCurve.Sigmoid => P1 + (P2 * Math.Log(1 + (2 * Math.Exp(-P1 / P2)))),
        _ => P1 * (Math.Pow(2, 1 / P2) - 1),
    };

    /// <summary>Integral of R from 0 to dt.</summary>
    public double Integral(double dt)
    {
        switch (Curve)
        {
            case ForgettingCurve.Exponential:
                return P1 / Ln2 * (1 - Math.Exp(-Ln2 * dt / P1));
            case ForgettingCurve.Sigmoid:
                // integral of 1 / (1 + e^((x - m)/s)) is x - s softplus((x - m)/s).
                var scale = 1 + Math.Exp(-P1 / P2);
                return scale * (dt - (P2 * (Softplus((dt - P1) / P2) - Softplus(-P1 / P2))));
            default:
                var oneMinus = 1 - P2;
                return Math.Abs(oneMinus) < 1e-9
                    ? P1 * Math.Log(1 + (dt / P1))
                    : P1 / oneMinus * (Math.Pow(1 + (dt / P1), oneMinus) - 1);
        }
    }

    /// <summary>ln(1 + e^x) without overflow.</summary>
    public static double Softplus(double x) => x > 30 ? x : x < -30 ? Math.Exp(x) : Math.Log(1 + Math.Exp(x));
}
