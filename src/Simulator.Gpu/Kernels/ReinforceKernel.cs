using ILGPU;
using Simulator.Core.Compute.Operators;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of the reinforcement operands.</summary>
internal struct ReinforceViews
{
    public ArrayView<float> Peak;
    public ArrayView<int> LastEngaged;
    public ArrayView<float> CurveP1;
    public ArrayView<float> CurveP2;
    public ArrayView<int> Slates;
    public ArrayView<int> ChosenPosition;
    public ArrayView<int> ItemTopic;
}

/// <summary>Scalar reinforcement operands.</summary>
internal struct ReinforceScalars
{
    public int Users;
    public int Dim;
    public int K;
    public ForgettingCurve Curve;
    public float Baseline;
    public float Eta;
    public int Tick;
    public float TickLength;
}

/// <summary>
/// Reinforcement on consumption, one thread per user in a grid-stride loop. A thread writes only
/// its own user's row, so there are no write conflicts.
/// </summary>
internal static class ReinforceKernel
{
    public static void Kernel(ReinforceViews v, ReinforceScalars s)
    {
        var stride = Grid.DimX * Group.DimX;
        for (var u = Grid.GlobalIndex.X; u < s.Users; u += stride)
        {
            var position = v.ChosenPosition[u];
            if (position < 0)
            {
                continue;
            }

            var e = ((long)u * s.Dim) + v.ItemTopic[v.Slates[((long)u * s.K) + position]];
            var dt = (s.Tick - v.LastEngaged[e]) * s.TickLength;
            var w = ForgettingMath.Strength(s.Curve, v.Peak[e], dt, v.CurveP1[u], v.CurveP2[u], s.Baseline);
            v.Peak[e] = ForgettingMath.Reinforce(w, s.Eta);
            v.LastEngaged[e] = s.Tick;
        }
    }
}
