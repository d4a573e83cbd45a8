namespace Simulator.Core.Compute.Operators;

/// <summary>
/// Scalar reference of the recurrent cells (<see cref="RecurrentStepOperands"/>,
/// <see cref="RecurrentReadoutOperands"/>): one row at a time, sums starting at the bias and adding
/// rows of the packed weights in ascending order.
/// </summary>
public static class RecurrentMath
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>The carry decay D = sigma(alpha_j tau + beta_j) of unit j (1 for cells without time).</summary>
    public static float Decay(in RecurrentLayout layout, ReadOnlySpan<float> p, int j, float tau) =>
        layout.Cell == RecurrentCell.TimeLstm ? Sigmoid((p[layout.AlphaOffset + j] * tau) + p[layout.BetaOffset + j]) : 1f;

    /// <summary>
    /// Builds the cell's product input x = [a, hidden] (LSTM: the carried hidden o tanh(c D)) and the
    /// carried cell c D (LSTM only, into <paramref name="carried"/>).
    /// </summary>
    public static void Carry(in RecurrentLayout layout, ReadOnlySpan<float> p, ReadOnlySpan<float> a, float tau, ReadOnlySpan<float> state, ReadOnlySpan<float> output, Span<float> x, Span<float> carried)
    {
        var inputs = layout.Inputs;
        a[..inputs].CopyTo(x);
        for (var j = 0; j < layout.Hidden; j++)
        {
            if (layout.Cell == RecurrentCell.Gru)
            {
                x[inputs + j] = state[j];
            }
            else
            {
                carried[j] = state[j] * Decay(layout, p, j, tau);
                x[inputs + j] = output[j] * MathF.Tanh(carried[j]);
            }
        }
    }

    /// <summary>The gates from the pre-activations, writing the new state (and the LSTM's output gate).</summary>
    public static void Gates(in RecurrentLayout layout, ReadOnlySpan<float> pre, ReadOnlySpan<float> carried, Span<float> state, Span<float> output)
    {
        var h = layout.Hidden;
        for (var j = 0; j < h; j++)
        {
            if (layout.Cell == RecurrentCell.Gru)
            {
                var r = Sigmoid(pre[j]);
                var z = Sigmoid(pre[h + j]);
                var n = MathF.Tanh(pre[(2 * h) + j] + (r * pre[(3 * h) + j]));
                state[j] = ((1f - z) * n) + (z * state[j]);
            }
            else
            {
                var i = Sigmoid(pre[j]);
                var f = Sigmoid(pre[h + j]);
                var g = MathF.Tanh(pre[(3 * h) + j]);
                output[j] = Sigmoid(pre[(2 * h) + j]);
                state[j] = (f * carried[j]) + (i * g);
            }
        }
    }

    /// <summary>One cell step of one row (see <see cref="RecurrentStepOperands"/>); scratch: x [Rows], pre [Columns], carried [Hidden].</summary>
    public static void Step(
        in RecurrentLayout layout, ReadOnlySpan<float> p, ReadOnlySpan<float> a, float tau, Span<float> state, Span<float> output, Span<float> x, Span<float> pre, Span<float> carried)
    {
        Carry(layout, p, a, tau, state, output, x, carried);
        var columns = layout.Columns;
        for (var c = 0; c < columns; c++)
        {
            var sum = p[layout.BiasOffset + c];
            for (var r = 0; r < layout.Rows; r++)
            {
                sum += x[r] * p[(r * columns) + c];
            }

            if (layout.Cell == RecurrentCell.TimeLstm)
            {
                sum += p[layout.TimeWeightsOffset + c] * tau;
            }

            pre[c] = sum;
        }

        Gates(layout, pre, carried, state, output);
    }

    /// <summary>The readout of one user (see <see cref="RecurrentReadoutOperands"/>).</summary>
    public static void Readout(in RecurrentLayout layout, ReadOnlySpan<float> p, ReadOnlySpan<float> state, ReadOnlySpan<float> output, float tau, Span<float> hidden)
    {
        for (var j = 0; j < layout.Hidden; j++)
        {
            hidden[j] = layout.Cell == RecurrentCell.Gru ? state[j] : output[j] * MathF.Tanh(state[j] * Decay(layout, p, j, tau));
        }
    }
}
