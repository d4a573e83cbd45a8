namespace Simulator.Core.Compute;

/// <summary>Activation applied after a dense layer's affine map.</summary>
public enum Activation
{
    Linear = 0,
    Relu = 1,
    Sigmoid = 2,
    Tanh = 3,
}
