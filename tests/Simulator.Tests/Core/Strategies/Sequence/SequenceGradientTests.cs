using Xunit.Abstractions;

namespace Simulator.Tests.Core.Strategies.Sequence;

/// <summary>
/// Every parameter block of every sequence model against central finite differences of the
/// slate's binary cross-entropy. Tolerance: per block, |g - g_fd| / (|g| + |g_fd|) in the L2 sense
/// below 1%, or, for blocks whose gradient is so small that the difference quotient's own rounding
/// dominates, an RMS error per element below 3e-5 (float32: a loss of about 3 rounds to 3e-7, and
/// 3e-7 / (2 x 1e-2) = 1.5e-5). Each block's gradient must also be non-zero: a block the loss never
/// reaches would otherwise pass vacuously.
/// </summary>
public sealed class SequenceGradientTests(ITestOutputHelper output)
{
    private const float Step = 1e-2f;
    private const double Tolerance = 0.01;
    private const double NoiseFloor = 3e-5;

    [Theory]
    [InlineData("gru4rec", 1, 1)]
    [InlineData("time-lstm", 1, 1)]
    [InlineData("sasrec", 2, 2)]
    [InlineData("tisasrec", 2, 2)]
    [InlineData("tisasrec", 1, 3)]
    public void Every_block_s_gradient_matches_finite_differences(string kind, int layers, int heads)
    {
        var (model, history) = SequenceFixture.Model(SequenceFixture.KindOf(kind), layers, heads);
        var now = 30;
        int[] slate = [3, 7, 1];
        var scratch = model.CreateScratch();
        var values = model.Parameters.Values;
        var gradient = new float[values.Length];
        model.Loss(0, history, now, slate, 1, gradient, scratch);

        foreach (var (name, offset, length) in model.Parameters.Blocks)
        {
            double diff = 0, norm = 0, analytic = 0;
            for (var i = offset; i < offset + length; i++)
            {
                var keep = values[i];
                values[i] = keep + Step;
                var up = model.Loss(0, history, now, slate, 1, null, scratch);
                values[i] = keep - Step;
                var down = model.Loss(0, history, now, slate, 1, null, scratch);
                values[i] = keep;
                var numeric = (up - down) / (2.0 * Step);
                diff += (gradient[i] - numeric) * (gradient[i] - numeric);
                norm += (Math.Abs(gradient[i]) + Math.Abs(numeric)) * (Math.Abs(gradient[i]) + Math.Abs(numeric));
                analytic += gradient[i] * (double)gradient[i];
            }

            var relative = Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-12);
            var rms = Math.Sqrt(diff / length);
            output.WriteLine($"{kind} {name}: |g| {Math.Sqrt(analytic):G3}, relative error {relative:E2}, RMS error {rms:E2}");
            Assert.True(analytic > 0, $"{kind}: block {name} gets no gradient from the loss");
            Assert.True(relative < Tolerance || rms < NoiseFloor, $"{kind}: block {name} relative error {relative:E3}, RMS error {rms:E3}");
        }
    }
}
