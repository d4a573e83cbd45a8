using System.Runtime.InteropServices;
using Simulator.Core.Compute;

namespace Simulator.Core.Checkpoints;

/// <summary>
/// Exchanges engine-bound columns and the small scalar kinds <see cref="StateExchange"/> lacks.
/// Restoring always uploads, so an accelerator's copy matches the restored host array. Saving
/// depends on where the truth sits at a tick boundary: <see cref="Column(StateExchange, string, IColumn{float})"/>
/// is for host-written columns (strategies' vectors after Learn: the device copy is stale until
/// the next upload, so it must not be downloaded over them); <see cref="KernelOutput(StateExchange, string, IColumn{float})"/>
/// is for columns a kernel writes (Peak, LastEngaged), downloaded first.
/// </summary>
public static class ColumnExchange
{
    /// <summary>A column whose host array is the truth (written on the host, uploaded before use).</summary>
    public static void Column(this StateExchange state, string name, IColumn<float> column)
    {
        state.Floats(name, column.Host);
        After(state, column);
    }

    /// <inheritdoc cref="Column(StateExchange, string, IColumn{float})"/>
    public static void Column(this StateExchange state, string name, IColumn<int> column)
    {
        state.Ints(name, column.Host);
        After(state, column);
    }

    /// <inheritdoc cref="Column(StateExchange, string, IColumn{float})"/>
    public static void Column(this StateExchange state, string name, IColumn<byte> column)
    {
        state.Bytes(name, column.Host);
        After(state, column);
    }

    /// <summary>A column a kernel writes: its engine copy is the truth, downloaded before saving.</summary>
    public static void KernelOutput(this StateExchange state, string name, IColumn<float> column)
    {
        Before(state, column);
        state.Floats(name, column.Host);
        After(state, column);
    }

    /// <inheritdoc cref="KernelOutput(StateExchange, string, IColumn{float})"/>
    public static void KernelOutput(this StateExchange state, string name, IColumn<int> column)
    {
        Before(state, column);
        state.Ints(name, column.Host);
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
