using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

/// <summary>
/// The scalar, single-threaded engine: the operations written as plainly as possible. It defines
/// the semantics that <see cref="CpuEngine"/> and the GPU kernels are tested against; it is not
/// meant to be fast.
/// </summary>
public sealed class ReferenceEngine : IComputeEngine
{
    public EngineInfo Info { get; } = new("reference", "scalar reference (1 thread)", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, 1);

    public IColumn<T> Bind<T>(T[] host)
        where T : unmanaged => new HostColumn<T>(host);

    public void Decay(in DecayOperands op)
    {
        var peak = op.Peak.Host;
        var last = op.LastEngaged.Host;
        var p1 = op.CurveP1.Host;
        var p2 = op.CurveP2.Host;
        var pref = op.Preference?.Host;
        var output = op.Output.Host;
        for (var u = 0; u < op.Users; u++)
        {
            for (var g = 0; g < op.Dim; g++)
            {
                var e = (u * op.Dim) + g;
                var dt = (op.Tick - last[e]) * op.TickLength;
                var w = ForgettingMath.Strength(op.Curve, peak[e], dt, p1[u], p2[u], op.Baseline);
                output[e] = pref is null ? w : pref[e] * w;
            }
        }
    }

    public void MlpForward(in MlpOperands op)
    {
        var input = op.Input.Host;
        var output = op.Output.Host;
        var width = op.Layers.Max(l => Math.Max(l.In, l.Out));
        var a = new float[width];
        var b = new float[width];
        for (var u = 0; u < op.Users; u++)
        {
            var in0 = op.Layers[0].In;
            Array.Copy(input, u * in0, a, 0, in0);
            foreach (var layer in op.Layers)
            {
                var w = layer.Weights.Host;
                var bias = layer.Bias.Host;
                for (var o = 0; o < layer.Out; o++)
                {
                    var s = bias[o];
                    for (var i = 0; i < layer.In; i++)
                    {
                        s += a[i] * w[(i * layer.Out) + o];
                    }

                    b[o] = MlpMath.Activate(layer.Activation, s);
                }

                (a, b) = (b, a);
            }

            var outDim = op.Layers[^1].Out;
            Array.Copy(a, 0, output, u * outDim, outDim);
        }
    }

    public void ScoreTopK(in ScoreTopKOperands op)
    {
        var users = op.UserVectors.Host;
        var items = op.Items.Host;
        var bias = op.ItemBias?.Host;
        var topItems = op.TopItems.Host;
        var topScores = op.TopScores.Host;
        for (var u = 0; u < op.Users; u++)
        {
            var ti = topItems.AsSpan(u * op.K, op.K);
            var ts = topScores.AsSpan(u * op.K, op.K);
            TopKMath.Clear(ti, ts);
            for (var i = 0; i < op.ItemCount; i++)
            {
                var s = bias is null ? 0f : bias[i];
                for (var g = 0; g < op.Dim; g++)
                {
                    s += users[(u * op.Dim) + g] * items[(i * op.Dim) + g];
                }

                TopKMath.Offer(ti, ts, s, i);
            }
        }
    }

    public void Choice(in ChoiceOperands op) => ChoiceBatch.Run(op, 0, op.Users);

    public void Reinforce(in ReinforceOperands op) => ReinforceBatch.Run(op, 0, op.Users);

    public void RecurrentStep(in RecurrentStepOperands op)
    {
        var layout = op.Layout;
        var p = op.Parameters.Host;
        var h = layout.Hidden;
        var x = new float[layout.Rows];
        var pre = new float[layout.Columns];
        var carried = new float[h];
        for (var r = 0; r < op.Rows; r++)
        {
            var u = op.Users.Host[r];
            var output = op.Output is null ? [] : op.Output.Host.AsSpan(u * h, h);
            var tau = op.Tau is null ? 0f : op.Tau.Host[r];
            RecurrentMath.Step(layout, p, op.Inputs.Host.AsSpan(r * layout.Inputs, layout.Inputs), tau, op.State.Host.AsSpan(u * h, h), output, x, pre, carried);
        }
    }

    public void RecurrentReadout(in RecurrentReadoutOperands op)
    {
        var h = op.Layout.Hidden;
        for (var u = 0; u < op.Users; u++)
        {
            var output = op.Output is null ? [] : op.Output.Host.AsSpan(u * h, h);
            var tau = op.Tau is null ? 0f : op.Tau.Host[u];
            RecurrentMath.Readout(op.Layout, op.Parameters.Host, op.State.Host.AsSpan(u * h, h), output, tau, op.Hidden.Host.AsSpan(u * h, h));
        }
    }

    public void AttentionReadout(in AttentionReadoutOperands op)
    {
        var scratch = new float[AttentionMath.ScratchLength(op.Layout)];
        for (var u = 0; u < op.Users; u++)
        {
            AttentionMath.Readout(op, u, scratch);
        }
    }

    public void Synchronize()
    {
    }

    public void Dispose()
    {
    }
}
