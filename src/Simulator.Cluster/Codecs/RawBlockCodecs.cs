using System.Buffers;
using System.Runtime.InteropServices;
using Orleans;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace Simulator.Cluster.Codecs;

/// <summary>
/// Raw-copy wire format shared by the block codecs: a length-prefixed field whose payload is the
/// array's bytes in the machine's (little-endian) order, written and read with one span copy.
/// </summary>
internal static class RawArrayWire
{
    public static void Write<TBufferWriter, T>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, Type actualType, object? owner, T[]? values)
        where TBufferWriter : IBufferWriter<byte>
        where T : unmanaged
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, owner))
        {
            return;
        }

        writer.WriteFieldHeader(fieldIdDelta, expectedType, actualType, WireType.LengthPrefixed);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        writer.WriteVarUInt32((uint)bytes.Length);
        writer.Write(bytes);
    }

    public static T[] Read<TInput, T>(ref Reader<TInput> reader, Field field)
        where T : unmanaged
    {
        field.EnsureWireType(WireType.LengthPrefixed);
        var byteCount = reader.ReadVarUInt32();
        var size = Marshal.SizeOf<T>();
        if (byteCount % size != 0 || byteCount > int.MaxValue)
        {
            throw new InvalidOperationException($"raw {typeof(T).Name} block of {byteCount} bytes is not a whole number of elements");
        }

        reader.EnsureAvailable(byteCount);
        var values = new T[byteCount / size];
        reader.ReadBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}

/// <summary>Raw-copy codec of <see cref="FloatBlock"/> (see <see cref="RawArrayWire"/>).</summary>
[RegisterSerializer]
public sealed class FloatBlockCodec : IFieldCodec<FloatBlock>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, FloatBlock? value)
        where TBufferWriter : IBufferWriter<byte> =>
        RawArrayWire.Write(ref writer, fieldIdDelta, expectedType, typeof(FloatBlock), value, value?.Values);

    public FloatBlock ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.WireType == WireType.Reference)
        {
            return ReferenceCodec.ReadReference<FloatBlock, TInput>(ref reader, field)!;
        }

        var result = new FloatBlock(RawArrayWire.Read<TInput, float>(ref reader, field));
        ReferenceCodec.RecordObject(reader.Session, result);
        return result;
    }
}

/// <summary>Raw-copy codec of <see cref="DoubleBlock"/> (see <see cref="RawArrayWire"/>).</summary>
[RegisterSerializer]
public sealed class DoubleBlockCodec : IFieldCodec<DoubleBlock>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, DoubleBlock? value)
        where TBufferWriter : IBufferWriter<byte> =>
        RawArrayWire.Write(ref writer, fieldIdDelta, expectedType, typeof(DoubleBlock), value, value?.Values);

    public DoubleBlock ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.WireType == WireType.Reference)
        {
            return ReferenceCodec.ReadReference<DoubleBlock, TInput>(ref reader, field)!;
        }

        var result = new DoubleBlock(RawArrayWire.Read<TInput, double>(ref reader, field));
        ReferenceCodec.RecordObject(reader.Session, result);
        return result;
    }
}

/// <summary>Deep copy of a <see cref="FloatBlock"/> for calls between grains of one silo, where Orleans copies instead of serialising.</summary>
[RegisterCopier]
public sealed class FloatBlockCopier : IDeepCopier<FloatBlock>
{
    public FloatBlock? DeepCopy(FloatBlock? input, CopyContext context) => input is null ? null : new((float[])input.Values.Clone());
}

/// <summary>Deep copy of a <see cref="DoubleBlock"/> (see <see cref="FloatBlockCopier"/>).</summary>
[RegisterCopier]
public sealed class DoubleBlockCopier : IDeepCopier<DoubleBlock>
{
    public DoubleBlock? DeepCopy(DoubleBlock? input, CopyContext context) => input is null ? null : new((double[])input.Values.Clone());
}
