using ScottPlot;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Colours assigned by strategy order, so a strategy keeps its colour across every figure of a
/// run: Okabe-Ito first (distinguishable under the common colour-vision deficiencies), then four
/// dark tones from Paul Tol's palettes. Every strategy gets a distinct (colour, line pattern) pair
/// up to <see cref="DistinctPairs"/> strategies: the first twelve are solid, the next twelve
/// dashed, then dotted, so a 25-strategy report has no two strategies drawn alike.
/// </summary>
public static class StrategyPalette
{
    // Okabe & Ito (2008) minus yellow (too faint on white), black last of them; then Tol's wine,
    // indigo, olive and green, dark enough for thin lines.
    private static readonly string[] Hex =
    [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#999999", "#000000",
        "#882255", "#332288", "#999933", "#117733",
    ];

    /// <summary>Strategies with pairwise distinct (colour, pattern): colours times the three patterns.</summary>
    public static int DistinctPairs => Hex.Length * 3;

    /// <summary>Number of distinct colours before the palette repeats.</summary>
    public static int Count => Hex.Length;

    /// <summary>Colour of the strategy at this index (wraps after <see cref="Count"/>).</summary>
    public static Color ColorOf(int strategyIndex) => Color.FromHex(Hex[strategyIndex % Hex.Length]);

    /// <summary>
    /// Line pattern by palette cycle: solid for the first <see cref="Count"/> strategies, then
    /// dashed, then dotted, so strategies that share a colour still differ.
    /// </summary>
    public static LinePattern PatternOf(int strategyIndex) => (strategyIndex / Hex.Length % 3) switch
    {
        0 => LinePattern.Solid,
        1 => LinePattern.Dashed,
        _ => LinePattern.Dotted,
    };

    /// <summary>Bar fill hatch by palette cycle (none, stripes, dots), for the same reason as <see cref="PatternOf"/>.</summary>
    public static IHatch? HatchOf(int strategyIndex) => (strategyIndex / Hex.Length % 3) switch
    {
        0 => null,
        1 => new ScottPlot.Hatches.Striped(),
        _ => new ScottPlot.Hatches.Dots(),
    };

    /// <summary>The same colour as a CSS hex string, for the HTML report.</summary>
    public static string HexOf(int strategyIndex) => Hex[strategyIndex % Hex.Length];

    /// <summary>
    /// The strategy's key for HTML tables: a short line in its colour and pattern (inline SVG), so
    /// strategies that share a colour past the twelfth still differ in the table as in the figures.
    /// </summary>
    public static string SwatchHtml(int strategyIndex)
    {
        var dash = (strategyIndex / Hex.Length % 3) switch
        {
            0 => string.Empty,
            1 => " stroke-dasharray=\"6 3\"",
            _ => " stroke-dasharray=\"2 3\"",
        };
        return $"<svg class=\"swatch\" width=\"26\" height=\"10\" aria-hidden=\"true\"><line x1=\"1\" y1=\"5\" x2=\"25\" y2=\"5\" stroke=\"{HexOf(strategyIndex)}\" stroke-width=\"3\"{dash}/></svg>";
    }
}
