using System.Text;

namespace Simulator.Tests.Storage.Export;

/// <summary>A minimal RFC 4180 reader for checking exported files (quoted fields may hold commas and quotes).</summary>
internal static class CsvText
{
    /// <summary>The rows of a CSV text with "\n" line ends, header included.</summary>
    public static List<string[]> Rows(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                rows.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.True(field.Length == 0 && fields.Count == 0, "the file must end with a line break");
        return rows;
    }
}
