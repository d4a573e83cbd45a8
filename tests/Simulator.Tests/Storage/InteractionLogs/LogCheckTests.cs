using System.Globalization;
using System.Text;
using Simulator.Storage.Export;
using Simulator.Storage.InteractionLogs;

namespace Simulator.Tests.Storage.InteractionLogs;

/// <summary>
/// The plausibility checks made while reading a log (each an error naming file and line, or a
/// warning with its threshold) and the wording of the reader's messages.
/// </summary>
public sealed class LogCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fit-checks-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>
    /// A ratings.dat cut in the middle of its last timestamp ("::136"): that row would stretch the
    /// log to 50 years, so it is an error naming the line and the likely cause, not a silent fit.
    /// </summary>
    [Fact]
    public void A_truncated_timestamp_is_named_with_its_line()
    {
        var path = Write("ratings.dat", Ratings(200) + "7::1193::5::136\n");

        var e = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(path, new LogReadOptions()));

        Assert.Equal(201, e.Line);
        Assert.StartsWith("ratings.dat:201: timestamp 1970-01-01 00:02:16 UTC (136) lies far outside the rest of the log (timestamps: 98% of rows from ", e.Message, StringComparison.Ordinal);
        Assert.Contains("rows more than 3 times that span", e.Message, StringComparison.Ordinal);
        Assert.Contains("outside it are taken as damaged; 1 such row(s)): is the line cut short? Fix or remove it", e.Message, StringComparison.Ordinal);

        // Under --skip-bad it is skipped and the check says so.
        var read = InteractionLogReader.Read(path, new LogReadOptions { SkipBad = 1 });
        Assert.Equal(200, read.Log.Count);
        Assert.Contains(read.Checks, c => c.EndsWith(": 1 row(s) skipped under --skip-bad 1", StringComparison.Ordinal));
        Assert.True(read.Log.Span().Last < 17, $"span {read.Log.Span().Last} days");
    }

    [Fact]
    public void A_log_in_time_order_passes_every_check_and_the_checks_say_what_they_looked_at()
    {
        var read = InteractionLogReader.Read(Write("ratings.dat", Ratings(200)), new LogReadOptions { MinRating = 4 });

        Assert.Empty(read.Warnings);
        Assert.Contains("order: every user's lines are in time order", read.Checks);
        Assert.Contains(read.Checks, c => c.StartsWith("timestamps: 98% of rows from 2000-12-31", StringComparison.Ordinal) && c.EndsWith(": none", StringComparison.Ordinal));
        Assert.Contains(read.Checks, c => c.StartsWith("repeats: 0 row(s) (0.00%) repeat a user, item and timestamp (warning above 1%); ", StringComparison.Ordinal));
        Assert.Contains(read.Checks, c => c.StartsWith("ratings: 1 to 5 seen; --min-rating 4 keeps ", StringComparison.Ordinal));
    }

    [Fact]
    public void Time_going_backwards_in_an_ordered_log_is_warned_with_its_first_line()
    {
        var lines = Ratings(300).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var fields = lines[150].Split("::");
        lines[150] = $"{fields[0]}::{fields[1]}::{fields[2]}::{long.Parse(fields[3], CultureInfo.InvariantCulture) - (5 * 86400)}";

        var read = InteractionLogReader.Read(Write("ratings.dat", string.Join('\n', lines) + "\n"), new LogReadOptions());

        var warning = Assert.Single(read.Warnings);
        Assert.StartsWith("time goes backwards at 1 of ", warning, StringComparison.Ordinal);
        Assert.Contains("first at ratings.dat:151) in a log that is otherwise in time order (under 1% backwards): a clock reset, or files appended out of order? Rows are sorted by time before fitting", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_appended_to_itself_is_warned_as_duplicate_heavy()
    {
        var text = Ratings(100);
        var read = InteractionLogReader.Read(Write("ratings.dat", text + text), new LogReadOptions());

        Assert.Contains("100 row(s) (50.0%, above 1%) repeat a user, item and timestamp already seen: the log may hold the same events twice (a file appended to itself?); each repeat counts as an engagement", read.Warnings);
    }

    [Fact]
    public void Timestamps_without_times_of_day_are_warned_as_coarse()
    {
        var text = new StringBuilder("user,item,timestamp\n");
        for (var k = 0; k < 200; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $"u{k % 10},i{k},2024-03-{1 + (k / 20):D2}\n");
        }

        var read = InteractionLogReader.Read(Write("dates.csv", text.ToString()), new LogReadOptions());

        Assert.Contains(read.Warnings, w => w.EndsWith(" of a user's consecutive engagements share a timestamp (above 20%): the timestamps may be coarser than they look (dates without times?), and gaps shorter than their resolution read as 0", StringComparison.Ordinal));
    }

    /// <summary>"Liked" on a 1-5 scale is 4; on a 1-10 scale 4 keeps most ratings, and the reader says so.</summary>
    [Fact]
    public void A_min_rating_low_on_a_ten_point_scale_is_warned()
    {
        var text = new StringBuilder("user,item,rating,timestamp\n");
        for (var k = 0; k < 100; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $"u{k % 10},i{k},{1 + (k % 10)},{1_600_000_000 + (k * 3600)}\n");
        }

        var read = InteractionLogReader.Read(Write("tens.csv", text.ToString()), new LogReadOptions { MinRating = 4 });

        Assert.Contains("--min-rating 4 sits in the lower half of the ratings seen (1 to 10; warning below the middle) and keeps 70% of rows: if it meant \"liked\" on a 1-5 scale, the same place on this scale is about 8", read.Warnings);
        Assert.Contains("ratings: 1 to 10 seen; --min-rating 4 keeps 70 of 100 rows (70%)", read.Checks);

        var above = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(Write("tens2.csv", text.ToString()), new LogReadOptions { MinRating = 11 }));
        Assert.Equal("tens2.csv:1: --min-rating 11 is above every rating in the log (1 to 10): nothing would count as an engagement", above.Message);
    }

    [Fact]
    public void A_missing_column_is_named_in_plain_words()
    {
        var e = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(Write("who.csv", "visitor,item,timestamp\n1,2,100\n"), new LogReadOptions()));

        Assert.Equal("who.csv:1: missing column: the header (visitor, item, timestamp) has no user column (tried user, user_id, userid, uid); name it with --user-col", e.Message);
    }

    [Fact]
    public void A_MovieLens_file_read_as_csv_is_told_it_looks_like_MovieLens()
    {
        var e = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(Write("ratings.dat", Ratings(5)), new LogReadOptions { Format = LogFormat.Csv }));

        Assert.EndsWith("; its first line looks like a MovieLens ratings.dat (user::item::rating::timestamp): pass --format movielens or leave --format out", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ratings_file_read_as_an_export_is_told_the_format_does_not_match()
    {
        var path = Write("ratings.dat", Ratings(5));

        var e = Assert.Throws<LogLineException>(() => ExportReader.Read(path, new LogReadOptions()));

        Assert.StartsWith("ratings.dat:1: not a simulator export: the header has no \"seed\" column (an export's interactions.csv starts with seed,strategy,tick,user,position,item,clicked)", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("pass --format movielens or leave --format out", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("items.csv", e.Message, StringComparison.Ordinal);
    }

    /// <summary>When the first data line is already bad, or every line is, the layout is named, not --skip-bad.</summary>
    [Fact]
    public void When_every_line_is_bad_the_layout_is_named_not_skip_bad()
    {
        var path = Write("dates.csv", "user,item,timestamp\n1,2,yesterday\n1,3,today\n");

        var first = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(path, new LogReadOptions()));
        Assert.Equal("dates.csv:2: unparseable timestamp \"yesterday\" in column \"timestamp\" (column 3) (expected unix seconds, unix milliseconds or ISO-8601) "
            + "(no line of the log has been read yet, so the layout is the likely problem: it was read as a CSV/TSV with a header row; check --format, --delimiter and --time-format)", first.Message);

        var all = Assert.Throws<LogLineException>(() => InteractionLogReader.Read(path, new LogReadOptions { SkipBad = 100 }));
        Assert.StartsWith("dates.csv:1: every data line was bad (2 skipped; first: dates.csv:2: unparseable timestamp \"yesterday\"", all.Message, StringComparison.Ordinal);
        Assert.EndsWith("the log was read as a CSV/TSV with a header row; check --format, --delimiter and --time-format", all.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Movies with an empty genre in movies.dat (or not listed there) pool into one "unknown"
    /// topic rather than a topic each, and the read says so for the summary and the scenario.
    /// </summary>
    [Fact]
    public void Movies_without_a_genre_pool_into_one_unknown_topic()
    {
        Write("movies.dat", "1::Toy Story (1995)::Animation|Comedy\n2::Jumanji (1995)::\n3::Heat (1995)::  \n");
        var read = InteractionLogReader.Read(Write("ratings.dat", "1::1::5::978300760\n1::2::5::978300860\n1::3::5::978300960\n1::4::5::978301060\n"), new LogReadOptions());

        Assert.Equal(["Animation", "unknown"], read.Topics);
        Assert.Equal(["3 item(s) have no genre in movies.dat (an empty genre, or not listed): they form one topic, \"unknown\", rather than a topic each"], read.Adjustments);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A MovieLens ratings.dat of <paramref name="rows"/> lines in time order over about 17 days from 2000-12-31, ratings 1 to 5.</summary>
    private static string Ratings(int rows)
    {
        var text = new StringBuilder();
        for (var k = 0; k < rows; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{1 + (k % 37)}::{1000 + (k * 7 % 301)}::{1 + (k % 5)}::{978_220_800 + (k * 17 * 86400 / Math.Max(1, rows))}\n");
        }

        return text.ToString();
    }
}
