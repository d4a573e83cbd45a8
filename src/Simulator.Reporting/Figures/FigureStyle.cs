using ScottPlot;

namespace Simulator.Reporting.Figures;

/// <summary>Size and rendering shared by every figure, so all images of a report match.</summary>
internal static class FigureStyle
{
    public const int Width = 960;
    public const int Height = 540;

    /// <summary>Band fill opacity: light enough that overlapping bands stay readable.</summary>
    public const double BandAlpha = 0.18;

    public static readonly Color DriftColor = Color.FromHex("#555555");

    /// <summary>
    /// Renders both formats. Nothing time- or machine-dependent is drawn, so the same plot gives
    /// the same bytes on every call (given the same fonts installed).
    /// </summary>
    public static RenderedFigure Render(Plot plot, string name, string title, string caption)
    {
        var png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        var svg = plot.GetSvgXml(Width, Height);
        return new RenderedFigure(name, title, caption, png, svg);
    }
}
