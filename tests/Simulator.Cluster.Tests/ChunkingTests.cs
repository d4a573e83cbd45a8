using Simulator.Cluster.Codecs;
using Simulator.Cluster.Grains;
using Simulator.Core.Results;

namespace Simulator.Cluster.Tests;

/// <summary>Chunk ranges tile an array exactly; seed blocks go back to their own seed's place.</summary>
public sealed class ChunkingTests
{
    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, 4)]
    [InlineData(8, 4)]
    [InlineData(9, 4)]
    public void Ranges_tile_the_array_in_order_without_gaps(int length, int chunk)
    {
        var ranges = Chunking.Ranges(length, chunk).ToArray();

        Assert.Equal(length, ranges.Sum(r => r.Count));
        Assert.All(ranges, r => Assert.InRange(r.Count, 1, chunk));
        Assert.Equal(ranges.Select(r => r.Offset), ranges.Select((r, i) => i * chunk));
    }

    [Fact]
    public void Chunks_stay_far_below_the_orleans_message_limit() =>
        Assert.True(Chunking.ChunkLength<double>() * 8L <= 100_000_000 / 4);

    [Fact]
    public async Task Fetch_reassembles_chunks_and_rejects_a_short_chunk()
    {
        var values = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var fetched = await Chunking.FetchAsync(values.Length, (o, c) => Task.FromResult(SeedSeries.Slice(values, o, c)));
        Assert.Equal(values, fetched);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Chunking.FetchAsync(3, (o, c) => Task.FromResult(new DoubleBlock(new double[c - 1]))));
    }

    [Fact]
    public void Flattened_seed_block_is_placed_into_its_own_seed()
    {
        var one = new MetricSeries(2, 1, 3, 2);
        for (var w = 0; w < 2; w++)
        {
            for (var t = 0; t < 3; t++)
            {
                for (var m = 0; m < 2; m++)
                {
                    one[w, 0, t, m] = (100 * w) + (10 * t) + m;
                }
            }
        }

        var all = new MetricSeries(2, 3, 3, 2);
        SeedSeries.Place(all, 2, SeedSeries.Flatten(one));

        Assert.Equal(121, all[1, 2, 2, 1]);
        Assert.Equal(10, all[0, 2, 1, 0]);
        Assert.Equal(0, all[1, 1, 2, 1]);
        Assert.Throws<InvalidOperationException>(() => SeedSeries.Place(all, 0, new double[5]));
    }
}

/// <summary>Failure texts keep the exception type and first sentence only.</summary>
public sealed class FailureTextTests
{
    [Fact]
    public void Brief_keeps_type_and_first_sentence_and_caps_length()
    {
        Assert.Equal("TimeoutException: call timed out", FailureText.Brief(new TimeoutException("call timed out. Diagnostics: pages of text")));
        var brief = FailureText.Brief(new InvalidOperationException(new string('x', 1000)));
        Assert.True(brief.Length < 200);
        Assert.EndsWith("...", brief, StringComparison.Ordinal);
    }
}
