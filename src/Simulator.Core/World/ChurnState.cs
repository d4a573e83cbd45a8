using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;

namespace Simulator.Core.World;

/// <summary>
/// One world's churn bookkeeping (churn depends on what that world's strategy showed):
/// per user the smoothed expected CTR, the run of consecutive low ticks, and whether the user
/// has left. Plain host arrays [N]: only the host-side Arrive stage reads them.
/// </summary>
internal sealed class ChurnState : ICheckpointable
{
    private readonly IColumn<byte> _active;
    private readonly IColumn<float> _expectedCtr;

    /// <summary><paramref name="active"/> and <paramref name="expectedCtr"/> are the world's columns, read at the next tick's Arrive.</summary>
    public ChurnState(int users, IColumn<byte> active, IColumn<float> expectedCtr)
    {
        _active = active;
        _expectedCtr = expectedCtr;
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

    /// <summary>
    /// Besides its own arrays, keeps the world's last-tick Active and ExpectedCtr: the next Arrive
    /// folds them into the EMA, so a resumed run needs them although Respond recomputes them later.
    /// </summary>
    public void ExchangeState(StateExchange state)
    {
        state.Floats("churn.smoothed", Smoothed);
        state.Ints("churn.lowTicks", LowTicks);
        state.Bytes("churn.churned", Churned);
        _expectedCtr.Download();
        state.Bytes("churn.lastActive", _active.Host);
        state.Floats("churn.lastExpectedCtr", _expectedCtr.Host);
        if (state.IsRestoring)
        {
            _active.Upload();
            _expectedCtr.Upload();
        }
    }
}
