using Simulator.Core.Checkpoints;

namespace Simulator.Core.World;

/// <summary>
/// One world's churn bookkeeping (churn depends on what that world's strategy showed):
/// per user the smoothed expected CTR, the run of consecutive low ticks, and whether the user
/// has left. Plain host arrays [N]: only the host-side Arrive stage reads them.
/// </summary>
public sealed class ChurnState : ICheckpointable
{
    public ChurnState(int users)
    {
        Smoothed = new float[users];
        Array.Fill(Smoothed, 1f);
        LowTicks = new int[users];
        Churned = new byte[users];
    }

    /// <summary>Bytes per user (for memory estimates).</summary>
    public const int BytesPerUser = 4 + 4 + 1;

    /// <summary>EMA of the user's expected CTR over their active ticks; starts at 1 (a new user is not yet disappointed).</summary>
    public float[] Smoothed { get; }

    /// <summary>Consecutive active ticks with <see cref="Smoothed"/> below the threshold.</summary>
    public int[] LowTicks { get; }

    /// <summary>1 while the user has left this world.</summary>
    public byte[] Churned { get; }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("churn.smoothed", Smoothed);
        state.Ints("churn.lowTicks", LowTicks);
        state.Bytes("churn.churned", Churned);
    }
}
