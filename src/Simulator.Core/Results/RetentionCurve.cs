namespace Simulator.Core.Results;

/// <summary>
/// What a time-aware strategy learned about forgetting in one seed, probed at the end of the
/// seed: <see cref="Learned"/>[g] is its effective retention <see cref="Gaps"/>[g] ticks after an
/// engagement (the click probability of the engaged topic's items with the user's history replayed
/// at that gap, over the same at gap 0, averaged over the probed users), next to
/// <see cref="True"/>[g], the world's population retention at that gap (the mean over users of
/// b + (1 - b) R(gap): true strength after an engagement, relative to right after it).
/// </summary>
public sealed record RetentionCurve(string Strategy, ulong Seed, IReadOnlyList<int> Gaps, IReadOnlyList<double> Learned, IReadOnlyList<double> True)
{
    /// <summary>The gaps every probe uses (ticks).</summary>
    public static IReadOnlyList<int> ProbeGaps { get; } = [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

    public double LearnedHalfLife => HalfLife(Gaps, Learned);

    public double TrueHalfLife => HalfLife(Gaps, True);

    /// <summary>
    /// The median of half-lives where NaN means "longer than every probed gap" (censored): those
    /// count as the largest values, and a median that falls on one is NaN too.
    /// </summary>
    public static double MedianHalfLife(IEnumerable<double> halfLives)
    {
        var median = Statistics.Quantiles.Median(halfLives.Select(h => double.IsNaN(h) ? double.PositiveInfinity : h));
        return double.IsFinite(median) ? median : double.NaN;
    }

    /// <summary>
    /// The gap at which a curve that starts at 1 first falls to 0.5, interpolated linearly between the
    /// probed gaps; NaN when it stays above 0.5 over every probed gap (censored at the last gap).
    /// </summary>
    public static double HalfLife(IReadOnlyList<int> gaps, IReadOnlyList<double> curve)
    {
        for (var g = 1; g < gaps.Count; g++)
        {
            if (curve[g] <= 0.5)
            {
                var (x0, y0, x1, y1) = (gaps[g - 1], curve[g - 1], gaps[g], curve[g]);
                return y0 == y1 ? x1 : x0 + ((y0 - 0.5) / (y0 - y1) * (x1 - x0));
            }
        }

        return double.NaN;
    }
}
