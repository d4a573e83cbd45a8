using System.Runtime.Intrinsics;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

public sealed partial class CpuEngine
{
    private const int RecurrentChunkRows = 64;

    /// <summary>
    /// Cell steps in chunks of 64 rows: each row's product input [a, carried hidden] is gathered
    /// into a chunk buffer, the pre-activations of the whole chunk are one [64 x (I + H)] x
    /// [(I + H) x 4H] product on the 4 x 16 micro-kernel, and the gates run eight units at a time.
    /// Hidden widths that are not multiples of 8 take the scalar reference.
    /// </summary>
    public void RecurrentStep(in RecurrentStepOperands op)
    {
        if (!Vector256.IsHardwareAccelerated || op.Layout.Hidden % 8 != 0)
        {
            _scalar.RecurrentStep(op);
            return;
        }

        var operands = op;
        ForEachChunk(op.Rows, RecurrentChunkRows, (start, end) => RecurrentRows(operands, start, end));
    }

    public void RecurrentReadout(in RecurrentReadoutOperands op)
    {
        var operands = op;
        var h = op.Layout.Hidden;
        ForEachChunk(op.Users, 1024, (start, end) =>
        {
            var layout = operands.Layout;
            var p = operands.Parameters.Host;
            for (var u = start; u < end; u++)
            {
                var output = operands.Output is null ? [] : operands.Output.Host.AsSpan(u * h, h);
                var tau = operands.Tau is null ? 0f : operands.Tau.Host[u];
                if (layout.Cell == RecurrentCell.Gru || h % 8 != 0 || !Vector256.IsHardwareAccelerated)
                {
                    RecurrentMath.Readout(layout, p, operands.State.Host.AsSpan(u * h, h), output, tau, operands.Hidden.Host.AsSpan(u * h, h));
                    continue;
                }

                var state = operands.State.Host.AsSpan(u * h, h);
                var hidden = operands.Hidden.Host.AsSpan(u * h, h);
                for (var j = 0; j < h; j += 8)
                {
                    var carried = Vector256.Create<float>(state[j..]) * Decay8(layout, p, j, tau);
                    (Vector256.Create<float>(output[j..]) * DenseRows.Tanh(carried)).CopyTo(hidden[j..]);
                }
            }
        });
    }

    private static unsafe void RecurrentRows(in RecurrentStepOperands op, int start, int end)
    {
        var layout = op.Layout;
        var rows = end - start;
        var h = layout.Hidden;
        var width = layout.Rows;
        var columns = layout.Columns;
        var x = ThreadScratch<RecurrentInput>.For(RecurrentChunkRows * width);
        var pre = ThreadScratch<RecurrentPre>.For(RecurrentChunkRows * columns);
        var carried = ThreadScratch<RecurrentCarried>.For(RecurrentChunkRows * h);
        var p = op.Parameters.Host;
        var users = op.Users.Host;
        var state = op.State.Host;
        var output = op.Output?.Host;
        var tau = op.Tau?.Host;
        for (var r = 0; r < rows; r++)
        {
            var u = users[start + r];
            var xr = x.AsSpan(r * width, width);
            op.Inputs.Host.AsSpan((start + r) * layout.Inputs, layout.Inputs).CopyTo(xr);
            if (layout.Cell == RecurrentCell.Gru)
            {
                state.AsSpan(u * h, h).CopyTo(xr[layout.Inputs..]);
                continue;
            }

            var t = tau is null ? 0f : tau[start + r];
            for (var j = 0; j < h; j += 8)
            {
                var c = Vector256.Create<float>(state.AsSpan((u * h) + j)) * Decay8(layout, p, j, t);
                c.CopyTo(carried.AsSpan((r * h) + j));
                (Vector256.Create<float>(output.AsSpan((u * h) + j)) * DenseRows.Tanh(c)).CopyTo(xr[(layout.Inputs + j)..]);
            }
        }

        fixed (float* xp = x)
        fixed (float* wp = p)
        fixed (float* prep = pre)
        {
            DenseRows.Multiply(xp, width, rows, width, wp, columns, columns, prep, columns);
        }

        for (var r = 0; r < rows; r++)
        {
            var u = users[start + r];
            var t = tau is null ? 0f : tau[start + r];
            var row = r * columns;
            for (var j = 0; j < h; j += 8)
            {
                var s = Vector256.Create<float>(state.AsSpan((u * h) + j));
                if (layout.Cell == RecurrentCell.Gru)
                {
                    var reset = DenseRows.Sigmoid(Gate(layout, p, pre, row, 0, j, t));
                    var update = DenseRows.Sigmoid(Gate(layout, p, pre, row, 1, j, t));
                    var candidate = DenseRows.Tanh(Gate(layout, p, pre, row, 2, j, t) + (reset * Gate(layout, p, pre, row, 3, j, t)));
                    (((Vector256<float>.One - update) * candidate) + (update * s)).CopyTo(state.AsSpan((u * h) + j));
                }
                else
                {
                    var input = DenseRows.Sigmoid(Gate(layout, p, pre, row, 0, j, t));
                    var forget = DenseRows.Sigmoid(Gate(layout, p, pre, row, 1, j, t));
                    DenseRows.Sigmoid(Gate(layout, p, pre, row, 2, j, t)).CopyTo(output.AsSpan((u * h) + j));
                    var cell = DenseRows.Tanh(Gate(layout, p, pre, row, 3, j, t));
                    var c = Vector256.Create<float>(carried.AsSpan((r * h) + j));
                    ((forget * c) + (input * cell)).CopyTo(state.AsSpan((u * h) + j));
                }
            }
        }
    }

    /// <summary>Pre-activations of units j..j+7 of a gate block: the product plus the bias (plus w_t tau for time-lstm).</summary>
    private static Vector256<float> Gate(in RecurrentLayout layout, float[] p, float[] pre, int row, int block, int j, float tau)
    {
        var column = (block * layout.Hidden) + j;
        var g = Vector256.Create<float>(pre.AsSpan(row + column)) + Vector256.Create<float>(p.AsSpan(layout.BiasOffset + column));
        return layout.Cell == RecurrentCell.TimeLstm
            ? g + (Vector256.Create<float>(p.AsSpan(layout.TimeWeightsOffset + column)) * tau)
            : g;
    }

    /// <summary>D = sigma(alpha tau + beta) of units j..j+7 (1 without time).</summary>
    private static Vector256<float> Decay8(in RecurrentLayout layout, float[] p, int j, float tau) =>
        layout.Cell == RecurrentCell.TimeLstm
            ? DenseRows.Sigmoid((Vector256.Create<float>(p.AsSpan(layout.AlphaOffset + j)) * tau) + Vector256.Create<float>(p.AsSpan(layout.BetaOffset + j)))
            : Vector256<float>.One;

    /// <summary>Tags of the cell step's chunk buffers.</summary>
    private readonly struct RecurrentInput;

    private readonly struct RecurrentPre;

    private readonly struct RecurrentCarried;
}
