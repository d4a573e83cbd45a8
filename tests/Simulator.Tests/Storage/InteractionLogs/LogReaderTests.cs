using Simulator.Storage.Export;
using Simulator.Storage.InteractionLogs;

namespace Simulator.Tests.Storage.InteractionLogs;

/// <summary>Each real log layout read from a tiny hand-written file, and each kind of bad input.</summary>
public sealed class LogReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fit-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void MovieLens_ratings_dat_with_genres_from_movies_dat()
    {
        Write("movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Heat (1995)::Action|Crime|Thriller\n");
        var path = Write("ratings.dat", "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n1::1::4::978386400\n");
        var read = InteractionLogReader.Read(path, new LogReadOptions());
        Assert.Equal(LogFormat.MovieLens, read.Format);
        Assert.Equal(4, read.Log.Count);
        Assert.Equal(2, read.Log.Users);
        Assert.Equal(["Animation", "Action"], read.Topics);

        // Days from the first timestamp: 978386400 - 978300760 = 85640 s.
        Assert.Equal(85640 / 86400.0, read.Log.Time[3], 9);
        Assert.All(read.Log.Clicked.ToArray(), Assert.True);
    }

    [Fact]
    public void MovieLens_100K_u_data_with_min_rating()
    {
        var path = Write("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t5\t881251000\n");
        var read = InteractionLogReader.Read(path, new LogReadOptions { MinRating = 4 });
        Assert.Equal(LogFormat.MovieLens100K, read.Format);
        Assert.Equal(1, read.Log.Count);
        Assert.Equal("items (no u.item beside u.data)", read.TopicSource);
        Assert.Contains(read.Notes, n => n.Contains("2 row(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void LastFm_listening_log_uses_artists_as_topics()
    {
        var path = Write("lastfm.tsv",
            "user_000001\t2009-05-04T23:08:57Z\tf1b1cf71\tDeep Dish\t\tFuck Me Im Famous\n"
            + "user_000001\t2009-05-04T13:54:10Z\ta7f7df4a\tUnderworld\t\tBoy, Boy, Boy\n"
            + "user_000002\t2009-05-04T13:52:04Z\ta7f7df4a\tUnderworld\t\tCrocodile\n");
        var read = InteractionLogReader.Read(path, new LogReadOptions { UnitSeconds = 3600 });
        Assert.Equal(LogFormat.LastFm, read.Format);
        Assert.Equal(["Deep Dish", "Underworld"], read.Topics);
        Assert.Equal((23 * 3600) + (8 * 60) + 57 - ((13 * 3600) + (52 * 60) + 4), read.Log.Time[0] * 3600, 6);
        var asItem = InteractionLogReader.Read(path, new LogReadOptions { ArtistAsItem = true });
        Assert.Equal(2, asItem.Topics.Count);
    }

    [Fact]
    public void Generic_CSV_with_named_columns_quotes_and_milliseconds()
    {
        var path = Write("events.csv", "visitor,\"product\",when_ms,cat\nv1,\"p,1\",1700000000000,shoes\nv1,p2,1700086400000,hats\n");
        var read = InteractionLogReader.Read(path, new LogReadOptions { UserColumn = "visitor", ItemColumn = "product", TimeColumn = "when_ms", TopicColumn = "cat" });
        Assert.Equal(LogFormat.Csv, read.Format);
        Assert.Equal(["shoes", "hats"], read.Topics);
        Assert.Equal(1.0, read.Log.Time[1], 9);
    }

    [Fact]
    public void TSV_with_ISO_timestamps_and_common_names()
    {
        var path = Write("log.tsv", "user_id\titem_id\ttimestamp\n1\t10\t2024-01-01T00:00:00Z\n1\t10\t2024-01-03T12:00:00+00:00\n");
        var read = InteractionLogReader.Read(path, new LogReadOptions());
        Assert.Equal(2.5, read.Log.Time[1], 9);
        Assert.Equal("items (the log has no topic column)", read.TopicSource);
    }

    [Fact]
    public void Unparseable_timestamp_names_file_line_and_column()
    {
        var path = Write("bad.csv", "user,item,timestamp\n1,2,100\n1,3,yesterday\n");
        var e = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(path, new LogReadOptions()));
        Assert.Equal(3, e.Line);
        Assert.Contains("bad.csv:3: unparseable timestamp \"yesterday\" in column \"timestamp\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("--skip-bad", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_field_and_missing_header_column()
    {
        var shortLine = Write("short.dat", "1::2::5::978300760\n1::2\n");
        var e = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(shortLine, new LogReadOptions()));
        Assert.Contains("short.dat:2: missing column", e.Message, StringComparison.Ordinal);

        var noTime = Write("notime.csv", "user,item\n1,2\n");
        var header = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(noTime, new LogReadOptions()));
        Assert.Contains("notime.csv:1: missing column", header.Message, StringComparison.Ordinal);
        Assert.Contains("--time-col", header.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_bad_tolerates_up_to_N_lines()
    {
        var path = Write("some-bad.csv", "user,item,timestamp\n1,2,100\n1,3,oops\n1,3\n2,3,200\n");
        var read = InteractionLogReader.Read(path, new LogReadOptions { SkipBad = 2 });
        Assert.Equal(2, read.Skipped);
        Assert.Equal(2, read.Log.Count);
        Assert.StartsWith("some-bad.csv:3: unparseable timestamp", read.FirstSkipped, StringComparison.Ordinal);
        var e = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(path, new LogReadOptions { SkipBad = 1 }));
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void Export_needs_items_CSV_and_valid_clicked_values()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "run")).FullName;
        File.WriteAllText(Path.Combine(folder, "interactions.csv"), "seed,strategy,tick,user,position,item,true_prob,clicked,dwell\n1,random,0,0,0,5,0.1,1,2.5\n1,random,0,0,1,6,0.1,maybe,0\n");
        var missing = Assert.Throws<LogLineException>(() => ExportReader.Read(folder, new LogReadOptions()));
        Assert.Contains("items.csv", missing.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "items.csv"), "item,topic,quality\n5,0,0.1\n6,1,0.2\n");
        var bad = Assert.Throws<LogLineException>(() => ExportReader.Read(folder, new LogReadOptions()));
        Assert.Contains("interactions.csv:3: unparseable clicked \"maybe\"", bad.Message, StringComparison.Ordinal);
        var read = ExportReader.Read(folder, new LogReadOptions { SkipBad = 1 });
        Assert.True(read.Log.HasImpressions);
        Assert.Equal(1, read.Log.Count);
        Assert.Equal(LogFormat.Export, LogFormatDetector.Detect("seed,strategy,tick,user,position,item,true_prob,clicked,dwell"));
    }

    /// <summary>
    /// items.csv with a seed column is read per seed (each seed draws its own catalog, so item 5 may
    /// have another topic and quality in seed 2) and its quality column reaches the log; without a
    /// quality column the log has none and the summary's notes say so.
    /// </summary>
    [Fact]
    public void Export_reads_item_topic_and_quality_per_seed()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "seeds")).FullName;
        File.WriteAllText(Path.Combine(folder, "interactions.csv"), "seed,strategy,tick,user,position,item,true_prob,clicked,dwell\n1,random,0,0,0,5,0.1,1,2.5\n2,random,0,0,0,5,0.1,0,0\n");
        File.WriteAllText(Path.Combine(folder, "items.csv"), "seed,item,topic,quality\n1,5,0,0.25\n2,5,3,-0.5\n");
        var read = ExportReader.Read(folder, new LogReadOptions());
        Assert.True(read.Log.HasQuality);
        Assert.Equal([0.25f, -0.5f], read.Log.Quality.ToArray());
        Assert.Equal(["0", "3"], read.Log.Topic.ToArray().Select(t => read.Topics[t]).ToArray());

        File.WriteAllText(Path.Combine(folder, "items.csv"), "item,topic\n5,0\n");
        var withoutQuality = ExportReader.Read(folder, new LogReadOptions());
        Assert.False(withoutQuality.Log.HasQuality);
        Assert.Contains(withoutQuality.Notes, n => n.Contains("no quality column", StringComparison.Ordinal));
    }
}
