using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Simulator.Cluster.Codecs;

namespace Simulator.Cluster.Tests;

/// <summary>The raw-copy codecs round-trip exactly and write one byte copy, not per-element fields.</summary>
public sealed class RawBlockCodecTests
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(FloatBlock).Assembly))
        .BuildServiceProvider();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(100_003)]
    public void Float_block_round_trips_bit_exactly_in_about_four_bytes_per_value(int length)
    {
        var values = Enumerable.Range(0, length).Select(i => i % 7 == 0 ? float.NaN : (i * 0.37f) - 11f).ToArray();
        var serializer = Services.GetRequiredService<Serializer<FloatBlock>>();

        var bytes = serializer.SerializeToArray(new FloatBlock(values));
        var back = serializer.Deserialize(bytes)!;

        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), back.Values.Select(BitConverter.SingleToInt32Bits));
        Assert.InRange(bytes.Length, 4 * length, (4 * length) + 16);
    }

    [Fact]
    public void Double_block_round_trips_bit_exactly()
    {
        double[] values = [0.0, -0.0, double.NaN, double.Epsilon, 1.0 / 3.0, double.MaxValue];
        var serializer = Services.GetRequiredService<Serializer<DoubleBlock>>();

        var back = serializer.Deserialize(serializer.SerializeToArray(new DoubleBlock(values)))!;

        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Values.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Copier_makes_an_independent_copy()
    {
        var copier = Services.GetRequiredService<DeepCopier<FloatBlock>>();
        var original = new FloatBlock([1f, 2f]);

        var copy = copier.Copy(original);
        original.Values[0] = 9f;

        Assert.Equal([1f, 2f], copy.Values);
    }
}
