using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;

namespace Simulator.Reporting.Figures;

/// <summary>Size, font and rendering shared by every figure, so all images of a report match.</summary>
internal static partial class FigureStyle
{
    public const int Width = 960;
    public const int Height = 540;

    /// <summary>Band fill opacity: light enough that overlapping bands stay readable.</summary>
    public const double BandAlpha = 0.18;

    public static readonly Color DriftColor = Color.FromHex("#555555");

    /// <summary>
    /// A sans-serif font named explicitly: the default family resolves to a serif face on minimal
    /// Linux images. DejaVu Sans is preferred because it is what Debian-based images ship.
    /// </summary>
    public static string FontName { get; } =
        string.Equals(Fonts.GetTypeface("DejaVu Sans", false, false)?.FamilyName, "DejaVu Sans", StringComparison.Ordinal)
            ? "DejaVu Sans"
            : Fonts.Sans;

    /// <summary>A new plot with the shared font applied.</summary>
    public static Plot CreatePlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        return plot;
    }

    /// <summary>
    /// Renders both formats. Nothing time- or machine-dependent is drawn, so the same plot gives
    /// the same bytes on every call (given the same fonts installed).
    /// </summary>
    public static RenderedFigure Render(Plot plot, string name, string title, string caption)
    {
        // Legend fonts are applied at render time; set here so the legend matches the axes.
        plot.Legend.FontName = FontName;
        var png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        var svg = NormalizeSvgIds(plot.GetSvgXml(Width, Height));
        return new RenderedFigure(name, title, caption, png, svg);
    }

    /// <summary>
    /// Skia's SVG canvas names clip paths from a process-wide counter (cl_16, cl_1a, ...), so the
    /// same figure gets different ids on a second render. Renumbering ids in order of first
    /// appearance makes the SVG text depend only on the figure.
    /// </summary>
    internal static string NormalizeSvgIds(string svg)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        return GeneratedId().Replace(svg, m =>
        {
            var old = m.Groups["id"].Value;
            if (!map.TryGetValue(old, out var renamed))
            {
                renamed = m.Groups["prefix"].Value + map.Count.ToString(CultureInfo.InvariantCulture);
                map[old] = renamed;
            }

            return m.Groups["lead"].Value + renamed;
        });
    }

    [GeneratedRegex("""(?<lead>id="|url\(#|href="#)(?<id>(?<prefix>[A-Za-z]+_)[0-9a-fA-F]+)(?=[")])""")]
    private static partial Regex GeneratedId();
}
