namespace Simulator.Core.Strategies;

/// <summary>The UCB index shared by the non-stationary bandits.</summary>
internal static class UcbMath
{
    /// <summary>Score of an item never shown (in the window): above every index, so those go first by item index.</summary>
    public const float Unshown = float.MaxValue;

    /// <summary>S/N + c sqrt(ln(max(total, 1)) / N), or <see cref="Unshown"/> when N = 0.</summary>
    public static float Index(double clicks, double shows, double total, double c) =>
        shows <= 0
            ? Unshown
            : (float)Math.Min((clicks / shows) + (c * Math.Sqrt(Math.Log(Math.Max(total, 1.0)) / shows)), float.MaxValue / 2);
}
