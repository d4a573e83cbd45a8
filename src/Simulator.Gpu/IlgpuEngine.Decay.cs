using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    private Action<KernelConfig, DecayViews, DecayScalars>? decay;

    public void Decay(in DecayOperands op)
    {
        if (op.Users == 0 || op.Dim == 0)
        {
            return;
        }

        var n = (long)op.Users * op.Dim;
        var views = new DecayViews
        {
            Peak = ViewOf(op.Peak, n, nameof(op.Peak)),
            LastEngaged = ViewOf(op.LastEngaged, n, nameof(op.LastEngaged)),
            CurveP1 = ViewOf(op.CurveP1, op.Users, nameof(op.CurveP1)),
            CurveP2 = ViewOf(op.CurveP2, op.Users, nameof(op.CurveP2)),
            Preference = op.Preference is null ? dummyFloat.View : ViewOf(op.Preference, n, nameof(op.Preference)),
            Output = ViewOf(op.Output, n, nameof(op.Output)),
        };
        var scalars = new DecayScalars
        {
            Users = op.Users,
            Dim = op.Dim,
            Curve = op.Curve,
            HasPreference = op.Preference is null ? 0 : 1,
            Baseline = op.Baseline,
            Tick = op.Tick,
            TickLength = op.TickLength,
        };
        decay ??= Accelerator.LoadStreamKernel<DecayViews, DecayScalars>(DecayKernel.Kernel);
        decay(StrideConfig(n), views, scalars);
    }
}
