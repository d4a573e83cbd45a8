using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Storage.RunFolders;
using Simulator.Tests.Reporting;

namespace Simulator.Tests.Storage.RunFolders;

/// <summary>retention.csv and the learned-retention entry of summary.json: written, read back bit for bit, redrawn the same.</summary>
public sealed class RetentionFileTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-retention-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>Two seeds of "ema-decay": learned half-lives 5 and censored, true 2 and 2.</summary>
    public static RunResult WithRetention() => SyntheticRun.Create() with
    {
        Retention =
        [
            new RetentionCurve("ema-decay", 1, [0, 2, 6], [1, 0.8, 0.4], [1, 0.5, 0.2]),
            new RetentionCurve("ema-decay", 2, [0, 2, 6], [1, 0.9, 0.6], [1, 0.5, 0.2]),
        ],
    };

    [Fact]
    public void Curves_round_trip_through_the_file_bit_for_bit()
    {
        var run = WithRetention();
        var path = Path.Combine(_temp, RunFileNames.Retention);
        using (var writer = new StreamWriter(path))
        {
            RetentionCsv.Write(run, writer);
        }

        var read = RetentionCsv.ReadIfPresent(path);
        Assert.Equal(run.Retention.Count, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal((run.Retention[i].Strategy, run.Retention[i].Seed), (read[i].Strategy, read[i].Seed));
            Assert.Equal(run.Retention[i].Gaps, read[i].Gaps);
            Assert.Equal(run.Retention[i].Learned, read[i].Learned);
            Assert.Equal(run.Retention[i].True, read[i].True);
        }

        Assert.Empty(RetentionCsv.ReadIfPresent(Path.Combine(_temp, "absent.csv")));
    }

    [Fact]
    public void A_damaged_row_is_named_with_file_and_line()
    {
        var path = Path.Combine(_temp, RunFileNames.Retention);
        File.WriteAllText(path, RetentionCsv.Header + "\nema-decay,1,0,1,1\nema-decay,1,two,0.5,0.5\n");
        var e = Assert.Throws<RunFolderException>(() => RetentionCsv.ReadIfPresent(path));
        Assert.Contains($"{path}:3:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_gives_median_half_lives_with_censored_seeds_as_null()
    {
        using var json = JsonDocument.Parse(SummaryJson.Write(WithRetention()));
        var entry = json.RootElement.GetProperty("strategies").GetProperty("ema-decay").GetProperty(SummaryJson.RetentionKey);
        var learned = entry.GetProperty("half_life");
        Assert.Equal(JsonValueKind.Null, learned.GetProperty("median").ValueKind);
        Assert.Equal([JsonValueKind.Number, JsonValueKind.Null], learned.GetProperty("per_seed").EnumerateArray().Select(v => v.ValueKind));
        Assert.Equal(5.0, learned.GetProperty("per_seed")[0].GetDouble(), 12);
        Assert.Equal(2.0, entry.GetProperty("true_half_life").GetProperty("median").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("ratio").ValueKind);
        Assert.False(json.RootElement.GetProperty("strategies").GetProperty("popularity").TryGetProperty(SummaryJson.RetentionKey, out _));
    }
}
