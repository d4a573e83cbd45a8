using System.Runtime.InteropServices;
using Simulator.Core.Compute;

namespace Simulator.Core.Checkpoints;

/// <summary>
/// Exchanges engine-bound columns and the small scalar kinds <see cref="StateExchange"/> lacks.
/// A column's truth may sit on a device: saving downloads it first and restoring uploads it
/// afterwards, so a checkpoint taken on a GPU resumes on a CPU and the other way round.
/// </summary>
public static class ColumnExchange
{
    public static void Column(this StateExchange state, string name, IColumn<float> column)
    {
        Before(state, column);
        state.Floats(name, column.Host);
        After(state, column);
    }

    public static void Column(this StateExchange state, string name, IColumn<int> column)
    {
        Before(state, column);
        state.Ints(name, column.Host);
        After(state, column);
    }

    public static void Column(this StateExchange state, string name, IColumn<byte> column)
    {
        Before(state, column);
        state.Bytes(name, column.Host);
        After(state, column);
    }

    /// <summary>A bool array, stored one byte per flag.</summary>
    public static void Flags(this StateExchange state, string name, bool[] flags) =>
        state.Bytes(name, MemoryMarshal.AsBytes(flags.AsSpan()));

    public static void Value(this StateExchange state, string name, ref int value)
    {
        long wide = value;
        state.Value(name, ref wide);
        value = checked((int)wide);
    }

    public static void Value(this StateExchange state, string name, ref bool value)
    {
        long wide = value ? 1 : 0;
        state.Value(name, ref wide);
        value = wide != 0;
    }

    private static void Before<T>(StateExchange state, IColumn<T> column)
        where T : unmanaged
    {
        if (!state.IsRestoring)
        {
            column.Download();
        }
    }

    private static void After<T>(StateExchange state, IColumn<T> column)
        where T : unmanaged
    {
        if (state.IsRestoring)
        {
            column.Upload();
        }
    }
}
