using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.World;

namespace Simulator.Storage.Export;

/// <summary>The users.csv and items.csv rows of one seed: the truth a fitter's estimates are checked against.</summary>
public static class GroundTruthRows
{
    /// <summary>One row per user: Bogus profile (name, locale, segment) and true forgetting parameters.</summary>
    public static void WriteUsers(Utf8CsvWriter csv, SeedView seed)
    {
        var forgetting = seed.Scenario.Forgetting;
        var curve = Utf8CsvWriter.Field(ScenarioParser.Curves.First(c => c.Value == forgetting.Curve).Key);
        var p1 = seed.CurveP1.Span;
        var p2 = seed.CurveP2.Span;
        for (var u = 0; u < p1.Length; u++)
        {
            var profile = UserProfiles.For(seed.Seed, u, SegmentOf(seed, u));
            csv.Write(seed.Seed);
            csv.Write(u);
            csv.Write(profile.Name);
            csv.Write(profile.Locale);
            csv.Write(profile.Segment);
            csv.Write(curve);
            csv.Write(p1[u]);
            csv.Write(p2[u]);
            csv.Write(forgetting.Baseline);
            csv.Write(ActivityOf(seed, u));
            csv.EndRow();
        }
    }

    /// <summary>One row per item: primary topic (0-based) and quality.</summary>
    public static void WriteItems(Utf8CsvWriter csv, SeedView seed)
    {
        var topic = seed.ItemTopic.Span;
        var quality = seed.ItemQuality.Span;
        var vectors = seed.ItemVectors.Span;
        var d = seed.Scenario.Dim;
        for (var i = 0; i < topic.Length; i++)
        {
            csv.Write(seed.Seed);
            csv.Write(i);
            csv.Write(topic[i]);
            csv.Write(quality[i]);
            foreach (var weight in vectors.Slice(i * d, d))
            {
                csv.Write(weight);
            }

            csv.EndRow();
        }
    }

    /// <summary>The user's segment (archetype) name.</summary>
    private static string SegmentOf(SeedView seed, int user) => seed.SegmentNames[seed.Segment.Span[user]];

    /// <summary>The user's own probability of arriving in a tick (population, segment and per-user spread).</summary>
    private static float ActivityOf(SeedView seed, int user) => seed.ActivityRate.Span[user];
}
