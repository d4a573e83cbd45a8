namespace Simulator.Core.Compute.Operators;

/// <summary>Scalar reference of the MLP's activations.</summary>
public static class MlpMath
{
    public static float Activate(Activation activation, float x)
    {
        switch (activation)
        {
            case Activation.Relu:
                return MathF.Max(x, 0f);
            case Activation.Sigmoid:
                return 1f / (1f + MathF.Exp(-x));
            case Activation.Tanh:
                return MathF.Tanh(x);
            default:
                return x;
        }
    }
}
