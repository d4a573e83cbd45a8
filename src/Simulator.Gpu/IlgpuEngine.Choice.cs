using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    private Action<KernelConfig, ChoiceViews, ChoiceScalars>? choice;

    public void Choice(in ChoiceOperands op)
    {
        if (op.Users == 0)
        {
            return;
        }

        var views = new ChoiceViews
        {
            Interest = ViewOf(op.Interest, (long)op.Users * op.Dim, nameof(op.Interest)),
            Slates = ViewOf(op.Slates, (long)op.Users * op.K, nameof(op.Slates)),
            Items = ViewOf(op.Items, (long)op.ItemCount * op.Dim, nameof(op.Items)),
            Quality = ViewOf(op.Quality, op.ItemCount, nameof(op.Quality)),
            Active = op.Active is null ? dummyByte.View : ViewOf(op.Active, op.Users, nameof(op.Active)),
            ChosenPosition = ViewOf(op.ChosenPosition, op.Users, nameof(op.ChosenPosition)),
            ExpectedCtr = ViewOf(op.ExpectedCtr, op.Users, nameof(op.ExpectedCtr)),
            Probabilities = ViewOf(op.Probabilities, (long)op.Users * op.K, nameof(op.Probabilities)),
            Dwell = ViewOf(op.Dwell, op.Users, nameof(op.Dwell)),
        };
        var scalars = new ChoiceScalars
        {
            Users = op.Users,
            Dim = op.Dim,
            K = op.K,
            HasActive = op.Active is null ? 0 : 1,
            Seed = op.Seed,
            Tick = op.Tick,
            FirstUser = op.FirstUser,
            Parameters = op.Parameters,
        };
        choice ??= Accelerator.LoadStreamKernel<ChoiceViews, ChoiceScalars>(ChoiceKernel.Kernel);
        choice(StrideConfig(op.Users), views, scalars);
    }
}
