namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// An encoder with a per-user recurrent state that the compute engine advances
/// (<see cref="Compute.IComputeEngine.RecurrentStep"/>) and reads out
/// (<see cref="Compute.IComputeEngine.RecurrentReadout"/>): State is h (GRU) or c (LSTM), Output the
/// LSTM's o, both [N x Hidden].
/// </summary>
internal interface IRecurrentEncoder
{
    Compute.RecurrentLayout Layout { get; }

    float[] State { get; }

    float[]? Output { get; }

    /// <summary>The time feature of the user's newest engagement: ln(1 + ticks since the one before), 0 for the first.</summary>
    float NewestGap(int user, EventHistory history);
}
