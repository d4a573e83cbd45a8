using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Reporting.Figures;

namespace Simulator.Tests.Core.Scenarios;

/// <summary>Bench experiment files and bench figures.</summary>
public sealed class BenchExperimentTests
{
    [Fact]
    public void Experiment_reads_sizes_as_numbers_or_lists_and_fills_defaults()
    {
        var e = BenchExperiment.Parse("{ \"users\": [1e4, 2e4], \"items\": 500, // comment\n }", "x");
        Assert.Equal([10_000, 20_000], e.Users);
        Assert.Equal([500], e.Items);
        Assert.Equal(32, e.Dim);
        Assert.Equal("auto", e.Device);
        Assert.Equal("x", e.Name);
    }

    [Theory]
    [InlineData("{\"users\": [1e4, -2]}", "$.users[1]", "whole number")]
    [InlineData("{\"users\": 1.5}", "$.users", "whole number")]
    [InlineData("{\"device\": \"cdua\"}", "$.device", "did you mean \"cuda\"")]
    [InlineData("{\"k\": 20, \"items\": 10}", "$.k", "larger than the smallest catalog")]
    [InlineData("{\"repetitions\": 3}", "$.repetitions", "did you mean \"reps\"")]
    [InlineData("{\"users\": []}", "$.users", "non-empty")]
    public void Bad_experiment_names_the_field(string json, string path, string expected)
    {
        var e = Assert.Throws<ScenarioException>(() => BenchExperiment.Parse(json, "x"));
        Assert.Contains(e.Errors, error => error.Path == path && error.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Bench_figures_render_valid_images()
    {
        static SizeResult Size(int users) => new(users, 100, 32, 10,
        [
            new StageResult("decay", StageBound.Memory, users * 256.0, users * 512.0, [users * 1e-8, users * 1.2e-8], users),
            new StageResult("score_topk", StageBound.Compute, users * 6400.0, users * 208.0, [users * 2e-7], users),
            new StageResult("tick", StageBound.Compute, users * 6656.0, users * 720.0, [users * 2.3e-7], users),
        ]);
        var bench = new BenchResult("cpu", "test CPU", new BenchProbes(20, 150, "copy", "fma"), [Size(1000), Size(10_000)]);
        var figures = BenchFigures.RenderAll(bench);
        Assert.Equal(["throughput_m100", "roofline"], figures.Select(f => f.Name));
        foreach (var figure in figures)
        {
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, figure.Png[..4]);
            Assert.Contains("<svg", figure.Svg, StringComparison.Ordinal);
        }

        // No FMA probe (a GPU run): the roofline still renders with the bandwidth ceiling alone.
        var gpu = bench with { Probes = new BenchProbes(2000, null, "copy", "none") };
        Assert.Single(BenchFigures.RenderAll(gpu), f => f.Name == "roofline");
    }
}
