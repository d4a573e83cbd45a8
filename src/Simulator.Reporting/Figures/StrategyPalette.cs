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

    /// <summary>The same colour as a CSS hex string, for the HTML report.</summary>
    public static string HexOf(int strategyIndex) => Hex[strategyIndex % Hex.Length];
}
