using Simulator.Cluster.Grains;

namespace Simulator.Cluster.Tests;

/// <summary>The cluster run's seed checkpoint: exact round trip, atomic rewrite, and clear errors for bad files.</summary>
public sealed class SeedCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("seed-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static SeedRun Run(int seed, int length, bool examples = false) => new(
        seed, "silo-a (127.0.0.1:11111)", "cpu", "X64 CPU", length, 1.25, [[1, 2, 3], [4, 5, 6]], examples ? "{\"users\":[]}" : null);

    [Fact]
    public void Seeds_round_trip_exactly_including_NaN_and_the_last_bits_of_doubles()
    {
        var path = PathOf("a" + SeedCheckpoint.Extension);
        var checkpoint = SeedCheckpoint.Create(path, "{\"name\":\"x\"}");
        Assert.True(File.Exists(path), "an empty checkpoint is written at once so a failure can name it");
        double[] series = [0.1 + 0.2, double.NaN, 1e-300, -0.0, Math.PI];
        checkpoint.Add(Run(2, series.Length, examples: true), series);
        checkpoint.Add(Run(0, 1), [7]);

        var back = SeedCheckpoint.Open(path);
        Assert.Equal("{\"name\":\"x\"}", back.ScenarioJson);
        Assert.Equal([0, 2], back.Seeds.Keys);
        Assert.Equal(series.Select(BitConverter.DoubleToInt64Bits), back.Seeds[2].Series.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(Run(2, series.Length, examples: true) with { Exposure = null }, back.Seeds[2].Run with { Exposure = null });
        Assert.Equal([[1L, 2, 3], [4L, 5, 6]], back.Seeds[2].Run.Exposure!);
        Assert.False(File.Exists(path + ".tmp"));
        Assert.True(SeedCheckpoint.LooksLikeOne(path));

        back.Delete();
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("not json at all", "not a cluster checkpoint (invalid JSON")]
    [InlineData("{\"Format\":\"something-else\"}", "expected \"format\": \"simulator-cluster-checkpoint/1\"")]
    [InlineData("{\"Format\":\"simulator-cluster-checkpoint/1\",\"ScenarioSha256\":\"00\",\"ScenarioJson\":\"{}\"}", "does not match its SHA-256")]
    public void Bad_files_name_the_file_and_the_defect(string content, string expected)
    {
        var path = PathOf("bad" + SeedCheckpoint.Extension);
        File.WriteAllText(path, content);
        var error = Assert.Throws<SeedCheckpointException>(() => SeedCheckpoint.Open(path));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_series_is_refused()
    {
        var path = PathOf("short" + SeedCheckpoint.Extension);
        SeedCheckpoint.Create(path, "{}").Add(Run(1, 3), [1, 2, 3]);
        File.WriteAllText(path, File.ReadAllText(path).Replace("[1,2,3]", "[1,2]", StringComparison.Ordinal));
        var error = Assert.Throws<SeedCheckpointException>(() => SeedCheckpoint.Open(path));
        Assert.Contains("seed entry 1 is incomplete", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var error = Assert.Throws<SeedCheckpointException>(() => SeedCheckpoint.Open(PathOf("missing.seeds.json")));
        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }
}
