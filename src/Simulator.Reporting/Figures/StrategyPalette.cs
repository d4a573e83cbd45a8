using ScottPlot;

namespace Simulator.Reporting.Figures;

/// <summary>
/// Colours assigned by strategy order, so a strategy keeps its colour across every figure of a
/// run. Okabe-Ito: distinguishable under the common colour-vision deficiencies.
/// </summary>
public static class StrategyPalette
{
    // Okabe & Ito (2008), minus yellow (too faint on white) and with black last.
    private static readonly string[] Hex =
    [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#999999", "#000000",
    ];

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
}
