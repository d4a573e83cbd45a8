using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Simulator.Storage.Export;

/// <summary>
/// A CSV writer that formats numbers straight into a reused UTF-8 byte buffer and hands the
/// buffer to its stream only when full, so writing a row allocates nothing: an export has one
/// row per shown item (tens of millions per run), where a string per field would dominate the
/// cost. Numbers are invariant-culture and round-trip (shortest form that parses back to the
/// same float), so the bytes depend only on the values. Rows end with "\n".
/// </summary>
public sealed class Utf8CsvWriter : IDisposable
{
    /// <summary>Room kept free before each field: the longest number (a float in exponent form, a ulong) fits with margin.</summary>
    private const int FieldReserve = 64;

    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _used;
    private bool _rowStarted;

    public Utf8CsvWriter(Stream stream, int bufferBytes = 1 << 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, FieldReserve * 4);
        _stream = stream;
        _buffer = new byte[bufferBytes];
    }

    /// <summary>Bytes handed to the stream or still buffered.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Text for a field: quoted (RFC 4180) when it holds a comma, quote or line break.</summary>
    public static byte[] Field(string text)
    {
        var needsQuotes = text.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        var escaped = needsQuotes ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
        return Encoding.UTF8.GetBytes(escaped);
    }

    /// <summary>Writes a header or other fixed line as is (it must end with "\n").</summary>
    public void Line(string text)
    {
        Raw(Encoding.UTF8.GetBytes(text));
        _rowStarted = false;
    }

    /// <summary>Writes bytes already encoded (and escaped) as one field.</summary>
    public void Write(ReadOnlySpan<byte> field)
    {
        Separator();
        Raw(field);
    }

    /// <summary>Writes a text field (escaped when needed). Allocates: for per-user or per-item rows, not per-interaction rows.</summary>
    public void Write(string text) => Write(Field(text));

    public void Write(int value)
    {
        Separator();
        Reserve();
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_used), out var written);
        Advance(written);
    }

    public void Write(ulong value)
    {
        Separator();
        Reserve();
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_used), out var written);
        Advance(written);
    }

    /// <summary>Shortest round-trip invariant form, e.g. 0.1, 1E-05, NaN.</summary>
    public void Write(float value)
    {
        Separator();
        Reserve();
        value.TryFormat(_buffer.AsSpan(_used), out var written, default, CultureInfo.InvariantCulture);
        Advance(written);
    }

    /// <summary>Ends the current row.</summary>
    public void EndRow()
    {
        Reserve();
        _buffer[_used] = (byte)'\n';
        Advance(1);
        _rowStarted = false;
    }

    /// <summary>Hands everything buffered to the stream and flushes it.</summary>
    public void Flush()
    {
        Drain();
        _stream.Flush();
    }

    /// <summary>Closes the stream without flushing what is buffered: a failed export is deleted anyway.</summary>
    public void Dispose() => _stream.Dispose();

    private void Separator()
    {
        if (_rowStarted)
        {
            Reserve();
            _buffer[_used] = (byte)',';
            Advance(1);
        }

        _rowStarted = true;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Drain();
            if (bytes.Length > _buffer.Length)
            {
                _stream.Write(bytes);
                BytesWritten += bytes.Length;
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_used));
        Advance(bytes.Length);
    }

    private void Reserve()
    {
        if (_buffer.Length - _used < FieldReserve)
        {
            Drain();
        }
    }

    private void Advance(int bytes)
    {
        _used += bytes;
        BytesWritten += bytes;
    }

    private void Drain()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
