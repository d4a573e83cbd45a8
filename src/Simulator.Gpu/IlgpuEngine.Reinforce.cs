using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    private Action<KernelConfig, ReinforceViews, ReinforceScalars>? reinforce;

    public void Reinforce(in ReinforceOperands op)
    {
        if (op.Users == 0)
        {
            return;
        }

        var n = (long)op.Users * op.Dim;
        var views = new ReinforceViews
        {
            Peak = ViewOf(op.Peak, n, nameof(op.Peak)),
            LastEngaged = ViewOf(op.LastEngaged, n, nameof(op.LastEngaged)),
            CurveP1 = ViewOf(op.CurveP1, op.Users, nameof(op.CurveP1)),
            CurveP2 = ViewOf(op.CurveP2, op.Users, nameof(op.CurveP2)),
            Slates = ViewOf(op.Slates, (long)op.Users * op.K, nameof(op.Slates)),
            ChosenPosition = ViewOf(op.ChosenPosition, op.Users, nameof(op.ChosenPosition)),
            ItemTopic = ViewOf(op.ItemTopic, 0, nameof(op.ItemTopic)),
        };
        var scalars = new ReinforceScalars
        {
            Users = op.Users,
            Dim = op.Dim,
            K = op.K,
            Curve = op.Curve,
            Baseline = op.Baseline,
            Eta = op.Eta,
            Tick = op.Tick,
            TickLength = op.TickLength,
        };
        reinforce ??= Accelerator.LoadStreamKernel<ReinforceViews, ReinforceScalars>(ReinforceKernel.Kernel);
        reinforce(StrideConfig(op.Users), views, scalars);
    }
}
