using ILGPU;
using Simulator.Core.Compute.Operators;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of the decay operands, passed by value into the kernel.</summary>
internal struct DecayViews
{
    public ArrayView<float> Peak;
    public ArrayView<int> LastEngaged;
    public ArrayView<float> CurveP1;
    public ArrayView<float> CurveP2;
    public ArrayView<float> Preference;
    public ArrayView<float> Output;
}

/// <summary>Scalar decay operands (blittable; bool as int because kernels prefer plain ints).</summary>
internal struct DecayScalars
{
    public int Users;
    public int Dim;
    public ForgettingCurve Curve;
    public int HasPreference;
    public float Baseline;
    public int Tick;
    public float TickLength;
}

/// <summary>
/// Forgetting for every (user, topic): memory-bound, so one element per thread in a grid-stride
/// loop; consecutive threads touch consecutive elements, which keeps every load coalesced.
/// </summary>
internal static class DecayKernel
{
    public static void Kernel(DecayViews v, DecayScalars s)
    {
        var total = (long)s.Users * s.Dim;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            // 32-bit division when it fits: 64-bit division is emulated on GPUs and costs more
            // than the element's memory traffic.
            var u = e <= int.MaxValue ? (int)e / s.Dim : (int)(e / s.Dim);
            var dt = (s.Tick - v.LastEngaged[e]) * s.TickLength;
            var w = ForgettingMath.Strength(s.Curve, v.Peak[e], dt, v.CurveP1[u], v.CurveP2[u], s.Baseline);
            v.Output[e] = s.HasPreference != 0 ? v.Preference[e] * w : w;
        }
    }
}
