namespace Simulator.Core.Compute.Operators;

/// <summary>
/// The ordering used by every top-k: higher score first; equal scores -> smaller item index first.
/// A fixed tie rule is what keeps slates identical across engines and thread counts.
/// </summary>
public static class TopKMath
{
    /// <summary>True when (score, item) ranks strictly before (otherScore, otherItem).</summary>
    public static bool Before(float score, int item, float otherScore, int otherItem) =>
        score > otherScore || (score == otherScore && item < otherItem);

    /// <summary>
    /// Offers a candidate to a best-first list of length k whose empty slots hold
    /// (-infinity, int.MaxValue). Keeps the list sorted; drops the candidate if it ranks last.
    /// </summary>
    public static void Offer(Span<int> items, Span<float> scores, float score, int item)
    {
        var k = items.Length;
        if (!Before(score, item, scores[k - 1], items[k - 1]))
        {
            return;
        }

        var j = k - 1;
        while (j > 0 && Before(score, item, scores[j - 1], items[j - 1]))
        {
            scores[j] = scores[j - 1];
            items[j] = items[j - 1];
            j--;
        }

        scores[j] = score;
        items[j] = item;
    }

    /// <summary>Fills a list with empty slots.</summary>
    public static void Clear(Span<int> items, Span<float> scores)
    {
        items.Fill(int.MaxValue);
        scores.Fill(float.NegativeInfinity);
    }
}
