using System.Globalization;
using System.Text;
using Simulator.Storage.Export;

namespace Simulator.Tests.Storage.Export;

/// <summary>The byte-level CSV writer: escaping, number forms and buffer boundaries.</summary>
public sealed class Utf8CsvWriterTests
{
    [Fact]
    public void Fields_with_commas_quotes_or_line_breaks_are_quoted_and_others_are_not()
    {
        var text = Write(csv =>
        {
            csv.Write("plain");
            csv.Write("O'Brien, Jr.");
            csv.Write("say \"hi\"");
            csv.Write("two\nlines");
            csv.EndRow();
        });
        Assert.Equal("plain,\"O'Brien, Jr.\",\"say \"\"hi\"\"\",\"two\nlines\"\n", text);
        Assert.Equal(["plain", "O'Brien, Jr.", "say \"hi\"", "two\nlines"], CsvText.Rows(text)[0]);
    }

    [Fact]
    public void Numbers_are_invariant_and_floats_round_trip_in_shortest_form()
    {
        var previous = CultureInfo.CurrentCulture;
        // A current culture with a decimal comma and another minus sign must not leak into the file.
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NegativeSign = "~";
        CultureInfo.CurrentCulture = comma;
        try
        {
            float[] values = [0.1f, 1e-5f, -2.5f, 0f, float.Epsilon, 0.70731324f, MathF.PI];
            var text = Write(csv =>
            {
                csv.Write(ulong.MaxValue);
                csv.Write(-7);
                foreach (var v in values)
                {
                    csv.Write(v);
                }

                csv.EndRow();
            });
            var fields = text.TrimEnd('\n').Split(',');
            Assert.Equal(["18446744073709551615", "-7", "0.1", "1E-05", "-2.5", "0"], fields[..6]);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.Equal(values[i], float.Parse(fields[2 + i], CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_small_buffer_gives_the_same_bytes_as_a_large_one_across_many_drains()
    {
        static void Rows(Utf8CsvWriter csv)
        {
            csv.Line("a,b,c\n");
            for (var r = 0; r < 500; r++)
            {
                csv.Write(r);
                csv.Write(r / 7f);
                csv.Write(new string('x', r % 300));
                csv.EndRow();
            }
        }

        var small = Write(Rows, bufferBytes: 256);
        var large = Write(Rows);
        Assert.Equal(large, small);
        Assert.Equal(501, CsvText.Rows(small).Count);
    }

    private static string Write(Action<Utf8CsvWriter> write, int bufferBytes = 1 << 16)
    {
        var stream = new MemoryStream();
        using (var csv = new Utf8CsvWriter(stream, bufferBytes))
        {
            write(csv);
            csv.Flush();
            Assert.Equal(stream.Length, csv.BytesWritten);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
