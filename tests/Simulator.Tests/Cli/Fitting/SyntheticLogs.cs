using System.Globalization;
using System.Text;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Randomness;

namespace Simulator.Tests.Cli.Fitting;

/// <summary>Small timestamped engagement logs with a known truth, written as the CSV files `fit` reads.</summary>
internal static class SyntheticLogs
{
    /// <summary>Unix seconds of the logs' day 0 (2020-09-13 12:26:40 UTC).</summary>
    public const long Epoch = 1_600_000_000;

    /// <summary>
    /// Sittings on top of a known forgetting curve: each of <paramref name="users"/> users has
    /// three topics, each re-engaged as a Poisson process with intensity r (0.05 + R(dt)), dt the
    /// days since the topic's last sitting, r between 0.3 and 0.6 per day, drawn by thinning with
    /// keyed noise over <paramref name="days"/> days; each sitting is a burst of 3 to 10
    /// engagements (different items of the topic) 40 to 80 seconds apart.
    /// Returns the CSV text (user,item,timestamp,category) and the number of sittings.
    /// </summary>
    public static (string Csv, int Sittings) Bursty(CurveShape truth, int users, double days, uint seed = 1)
    {
        const double offset = 0.05;
        var rows = new List<(long Seconds, string Line)>();
        var sittings = 0;
        for (var u = 0; u < users; u++)
        {
            for (var k = 0; k < 3; k++)
            {
                var group = (uint)((u * 3) + k);
                var topic = (u + (2 * k)) % 8;
                var rate = 0.3 + (0.3 * KeyedRandom.Uniform(seed, 90, group, 0, 0));
                var bound = rate * (offset + 1);
                var t = 0.0;
                var last = 0.0;
                for (uint n = 1; ; n++)
                {
                    t += -Math.Log(KeyedRandom.Uniform(seed, 91, group, n, 0)) / bound;
                    if (t >= days)
                    {
                        break;
                    }

                    if (KeyedRandom.Uniform(seed, 92, group, n, 0) * bound >= rate * (offset + truth.Retention(t - last)))
                    {
                        continue;
                    }

                    last = t;
                    sittings++;
                    var size = 3 + (int)(8 * KeyedRandom.Uniform(seed, 93, group, n, 0) * 0.9999);
                    var seconds = Epoch + (t * 86400);
                    for (var e = 0; e < size; e++)
                    {
                        var at = (long)Math.Round(seconds);
                        rows.Add((at, string.Create(CultureInfo.InvariantCulture, $"u{u},i{topic}-{(n * 10) + (uint)e},{at},g{topic}")));
                        seconds += 40 + (40 * KeyedRandom.Uniform(seed, 94, group, n, (uint)e));
                    }
                }
            }
        }

        return (Csv("user,item,timestamp,category", rows), sittings);
    }

    /// <summary>
    /// Users who engage on each of <paramref name="days"/> days with probability
    /// <paramref name="activity"/> (keyed noise), once, at a random time of that day, with one of
    /// four topics. The CSV text (user,item,timestamp,category).
    /// </summary>
    public static string KnownActivity(int users, int days, double activity, uint seed = 2)
    {
        var rows = new List<(long Seconds, string Line)>();
        for (var u = 0; u < users; u++)
        {
            for (var d = 0; d < days; d++)
            {
                if (KeyedRandom.Uniform(seed, 95, (uint)u, (uint)d, 0) >= activity)
                {
                    continue;
                }

                var at = Epoch + (d * 86400L) + (long)(86399 * KeyedRandom.Uniform(seed, 96, (uint)u, (uint)d, 0));
                var topic = (int)(4 * KeyedRandom.Uniform(seed, 97, (uint)u, (uint)d, 0) * 0.9999);
                rows.Add((at, string.Create(CultureInfo.InvariantCulture, $"u{u},i{d},{at},g{topic}")));
            }
        }

        return Csv("user,item,timestamp,category", rows);
    }

    /// <summary>The exponential the bursty log is drawn from: half-life 3 days.</summary>
    public static CurveShape ThreeDayExponential => new(ForgettingCurve.Exponential, 3, 0);

    /// <summary>Rows in time order under a header, one per line.</summary>
    private static string Csv(string header, List<(long Seconds, string Line)> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var (_, line) in rows.OrderBy(r => r.Seconds))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
