using ILGPU;
using Simulator.Core.Compute;
using Simulator.Core.Compute.Operators;

namespace Simulator.Gpu.Kernels;

/// <summary>Device views of a cell step: the operands and the step's scratch (X [rows x (I + H)], Pre [rows x 4H], Carried [rows x H]).</summary>
internal struct RecurrentViews
{
    public ArrayView<float> Parameters;
    public ArrayView<int> Users;
    public ArrayView<float> Inputs;
    public ArrayView<float> Tau;
    public ArrayView<float> State;
    public ArrayView<float> Output;
    public ArrayView<float> X;
    public ArrayView<float> Pre;
    public ArrayView<float> Carried;
}

/// <summary>Shape of a cell step or readout (the layout's numbers as plain ints).</summary>
internal struct RecurrentScalars
{
    public int Rows;
    public int Cell;
    public int Inputs;
    public int Hidden;
    public int HasTau;

    public static RecurrentScalars Of(RecurrentLayout layout, int rows, bool hasTau) => new()
    {
        Rows = rows,
        Cell = (int)layout.Cell,
        Inputs = layout.Inputs,
        Hidden = layout.Hidden,
        HasTau = hasTau ? 1 : 0,
    };
}

/// <summary>
/// The recurrent cells on the device in three launches, each a grid-stride loop over independent
/// elements: <see cref="CarryKernel"/> builds each row's product input [a, carried hidden] (and
/// the LSTM's carried cell), <see cref="ProductKernel"/> one pre-activation per thread (row,
/// column; neighbouring threads read neighbouring weight columns), <see cref="GatesKernel"/> one
/// unit per thread. Sums start at the bias and add rows in ascending order, as the reference does.
/// </summary>
internal static class RecurrentKernel
{
    private const int Gru = (int)RecurrentCell.Gru;
    private const int TimeLstm = (int)RecurrentCell.TimeLstm;

    public static void CarryKernel(RecurrentViews v, RecurrentScalars s)
    {
        var width = s.Inputs + s.Hidden;
        var total = (long)s.Rows * width;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            var r = (int)(e / width);
            var i = (int)(e - ((long)r * width));
            if (i < s.Inputs)
            {
                v.X[e] = v.Inputs[((long)r * s.Inputs) + i];
                continue;
            }

            var j = i - s.Inputs;
            var state = v.State[((long)v.Users[r] * s.Hidden) + j];
            if (s.Cell == Gru)
            {
                v.X[e] = state;
                continue;
            }

            var carried = state * Decay(v.Parameters, s, j, s.HasTau != 0 ? v.Tau[r] : 0f);
            v.Carried[((long)r * s.Hidden) + j] = carried;
            v.X[e] = v.Output[((long)v.Users[r] * s.Hidden) + j] * MathF.Tanh(carried);
        }
    }

    public static void ProductKernel(RecurrentViews v, RecurrentScalars s)
    {
        var width = s.Inputs + s.Hidden;
        var columns = 4 * s.Hidden;
        var bias = width * columns;
        var timeWeights = bias + columns;
        var total = (long)s.Rows * columns;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            var r = (int)(e / columns);
            var c = (int)(e - ((long)r * columns));
            var sum = v.Parameters[bias + c];
            var x = (long)r * width;
            for (var i = 0; i < width; i++)
            {
                sum += v.X[x + i] * v.Parameters[(i * columns) + c];
            }

            if (s.Cell == TimeLstm)
            {
                sum += v.Parameters[timeWeights + c] * (s.HasTau != 0 ? v.Tau[r] : 0f);
            }

            v.Pre[e] = sum;
        }
    }

    public static void GatesKernel(RecurrentViews v, RecurrentScalars s)
    {
        var h = s.Hidden;
        var total = (long)s.Rows * h;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            var r = (int)(e / h);
            var j = (int)(e - ((long)r * h));
            var pre = (long)r * 4 * h;
            var target = ((long)v.Users[r] * h) + j;
            if (s.Cell == Gru)
            {
                var reset = RecurrentMath.Sigmoid(v.Pre[pre + j]);
                var update = RecurrentMath.Sigmoid(v.Pre[pre + h + j]);
                var n = MathF.Tanh(v.Pre[pre + (2 * h) + j] + (reset * v.Pre[pre + (3 * h) + j]));
                v.State[target] = ((1f - update) * n) + (update * v.State[target]);
            }
            else
            {
                var input = RecurrentMath.Sigmoid(v.Pre[pre + j]);
                var forget = RecurrentMath.Sigmoid(v.Pre[pre + h + j]);
                var g = MathF.Tanh(v.Pre[pre + (3 * h) + j]);
                v.Output[target] = RecurrentMath.Sigmoid(v.Pre[pre + (2 * h) + j]);
                v.State[target] = (forget * v.Carried[e]) + (input * g);
            }
        }
    }

    /// <summary>Readout, one unit per thread: GRU h; LSTM o tanh(c D(tau)). X holds the hidden output here.</summary>
    public static void ReadoutKernel(RecurrentViews v, RecurrentScalars s)
    {
        var h = s.Hidden;
        var total = (long)s.Rows * h;
        var stride = (long)Grid.DimX * Group.DimX;
        for (long e = Grid.GlobalIndex.X; e < total; e += stride)
        {
            var u = (int)(e / h);
            var j = (int)(e - ((long)u * h));
            v.X[e] = s.Cell == Gru
                ? v.State[e]
                : v.Output[e] * MathF.Tanh(v.State[e] * Decay(v.Parameters, s, j, s.HasTau != 0 ? v.Tau[u] : 0f));
        }
    }

    /// <summary>D = sigma(alpha_j tau + beta_j) for time-lstm, 1 otherwise.</summary>
    private static float Decay(ArrayView<float> p, RecurrentScalars s, int j, float tau)
    {
        if (s.Cell != TimeLstm)
        {
            return 1f;
        }

        var layout = new RecurrentLayout(RecurrentCell.TimeLstm, s.Inputs, s.Hidden);
        return RecurrentMath.Sigmoid((p[layout.AlphaOffset + j] * tau) + p[layout.BetaOffset + j]);
    }
}
