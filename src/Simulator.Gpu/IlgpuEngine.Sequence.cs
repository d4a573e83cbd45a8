using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    /// <summary>Users per attention launch: bounds the per-user scratch (about 11 KB each at H = 32, L = 20).</summary>
    public const int AttentionUsersPerLaunch = 65536;

    private Action<KernelConfig, RecurrentViews, RecurrentScalars>? recurrentCarry;
    private Action<KernelConfig, RecurrentViews, RecurrentScalars>? recurrentProduct;
    private Action<KernelConfig, RecurrentViews, RecurrentScalars>? recurrentGates;
    private Action<KernelConfig, RecurrentViews, RecurrentScalars>? recurrentReadout;
    private Action<KernelConfig, AttentionViews, AttentionScalars>? attention;

    // The cell step's and the attention readout's scratch; grown, never shrunk.
    private MemoryBuffer1D<float, Stride1D.Dense>? recurrentX;
    private MemoryBuffer1D<float, Stride1D.Dense>? recurrentPre;
    private MemoryBuffer1D<float, Stride1D.Dense>? recurrentCarried;
    private MemoryBuffer1D<float, Stride1D.Dense>? attentionScratch;

    public void RecurrentStep(in RecurrentStepOperands op)
    {
        if (op.Rows == 0)
        {
            return;
        }

        var layout = op.Layout;
        var rows = (long)op.Rows;
        Grow(ref recurrentX, rows * layout.Rows, "the cell step's inputs");
        Grow(ref recurrentPre, rows * layout.Columns, "the cell step's pre-activations");
        Grow(ref recurrentCarried, rows * layout.Hidden, "the cell step's carried cells");
        var views = new RecurrentViews
        {
            Parameters = ViewOf(op.Parameters, layout.Length, nameof(op.Parameters)),
            Users = ViewOf(op.Users, rows, nameof(op.Users)),
            Inputs = ViewOf(op.Inputs, rows * layout.Inputs, nameof(op.Inputs)),
            Tau = op.Tau is null ? dummyFloat.View : ViewOf(op.Tau, rows, nameof(op.Tau)),
            State = ViewOf(op.State, layout.Hidden, nameof(op.State)),
            Output = op.Output is null ? dummyFloat.View : ViewOf(op.Output, layout.Hidden, nameof(op.Output)),
            X = recurrentX!.View.AsContiguous(),
            Pre = recurrentPre!.View.AsContiguous(),
            Carried = recurrentCarried!.View.AsContiguous(),
        };
        var scalars = RecurrentScalars.Of(layout, op.Rows, op.Tau is not null);
        recurrentCarry ??= Accelerator.LoadStreamKernel<RecurrentViews, RecurrentScalars>(RecurrentKernel.CarryKernel);
        recurrentProduct ??= Accelerator.LoadStreamKernel<RecurrentViews, RecurrentScalars>(RecurrentKernel.ProductKernel);
        recurrentGates ??= Accelerator.LoadStreamKernel<RecurrentViews, RecurrentScalars>(RecurrentKernel.GatesKernel);
        recurrentCarry(StrideConfig(rows * layout.Rows), views, scalars);
        recurrentProduct(StrideConfig(rows * layout.Columns), views, scalars);
        recurrentGates(StrideConfig(rows * layout.Hidden), views, scalars);
    }

    public void RecurrentReadout(in RecurrentReadoutOperands op)
    {
        if (op.Users == 0)
        {
            return;
        }

        var layout = op.Layout;
        var n = (long)op.Users * layout.Hidden;
        var views = new RecurrentViews
        {
            Parameters = ViewOf(op.Parameters, layout.Length, nameof(op.Parameters)),
            Users = dummyInt.View,
            Inputs = dummyFloat.View,
            Tau = op.Tau is null ? dummyFloat.View : ViewOf(op.Tau, op.Users, nameof(op.Tau)),
            State = ViewOf(op.State, n, nameof(op.State)),
            Output = op.Output is null ? dummyFloat.View : ViewOf(op.Output, n, nameof(op.Output)),
            X = ViewOf(op.Hidden, n, nameof(op.Hidden)),
            Pre = dummyFloat.View,
            Carried = dummyFloat.View,
        };
        recurrentReadout ??= Accelerator.LoadStreamKernel<RecurrentViews, RecurrentScalars>(RecurrentKernel.ReadoutKernel);
        recurrentReadout(StrideConfig(n), views, RecurrentScalars.Of(layout, op.Users, op.Tau is not null));
    }

    public void AttentionReadout(in AttentionReadoutOperands op)
    {
        if (op.Users == 0)
        {
            return;
        }

        var layout = op.Layout;
        var window = (long)op.Users * layout.Window;
        var perLaunch = Math.Min(op.Users, AttentionUsersPerLaunch);
        var scratchLength = Core.Compute.Operators.AttentionMath.ScratchLength(layout);
        Grow(ref attentionScratch, (long)perLaunch * scratchLength, "the attention readout's per-user scratch");
        var views = new AttentionViews
        {
            Parameters = ViewOf(op.Parameters, layout.Length, nameof(op.Parameters)),
            Embeddings = ViewOf(op.Embeddings, 1, nameof(op.Embeddings)),
            Items = ViewOf(op.Items, window, nameof(op.Items)),
            Ticks = ViewOf(op.Ticks, window, nameof(op.Ticks)),
            LogDwell = ViewOf(op.LogDwell, window, nameof(op.LogDwell)),
            Positions = ViewOf(op.Positions, window, nameof(op.Positions)),
            Counts = ViewOf(op.Counts, op.Users, nameof(op.Counts)),
            Hidden = ViewOf(op.Hidden, (long)op.Users * layout.Hidden, nameof(op.Hidden)),
            Scratch = attentionScratch!.View.AsContiguous(),
        };
        attention ??= Accelerator.LoadStreamKernel<AttentionViews, AttentionScalars>(AttentionKernel.Kernel);
        for (var first = 0; first < op.Users; first += perLaunch)
        {
            var users = Math.Min(perLaunch, op.Users - first);
            attention(StrideConfig(users), views, AttentionScalars.Of(layout, first, users, op.Now));
        }
    }

    private void Grow(ref MemoryBuffer1D<float, Stride1D.Dense>? buffer, long floats, string what)
    {
        if (buffer is not null && buffer.Length >= floats)
        {
            return;
        }

        Free(ref buffer);
        buffer = Allocate<float>(floats, floats * sizeof(float), what);
    }
}
