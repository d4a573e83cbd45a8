namespace Simulator.Reporting.Figures;

/// <summary>
/// One figure rendered in memory. The caller decides where it goes: the CLI writes the files,
/// the HTML report embeds the PNG. <see cref="Name"/> is the file stem (e.g. <c>ndcg_at_10</c>).
/// </summary>
public sealed record RenderedFigure(string Name, string Title, string Caption, byte[] Png, string Svg)
{
    /// <summary>File name of the PNG inside the plots folder.</summary>
    public string PngFileName => Name + ".png";

    /// <summary>File name of the SVG inside the plots folder.</summary>
    public string SvgFileName => Name + ".svg";
}
