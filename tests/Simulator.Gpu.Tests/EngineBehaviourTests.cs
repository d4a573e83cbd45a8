using Simulator.Core.Compute;
using Simulator.Gpu;

namespace Simulator.Gpu.Tests;

/// <summary>Factory, catalog and argument checks: the failure paths the CLI turns into messages.</summary>
[Collection(KernelCollection.Name)]
public sealed class EngineBehaviourTests(CpuEngineFixture fixture) : IClassFixture<CpuEngineFixture>
{
    [Fact(Timeout = 60_000)]
    public Task Unknown_kind_returns_false_with_reason() => TestData.Run(() =>
    {
        Assert.False(IlgpuEngineFactory.TryCreate("quantum", out var engine, out var error));
        Assert.Null(engine);
        Assert.Contains("quantum", error, StringComparison.Ordinal);
    });

    [Fact(Timeout = 60_000)]
    public Task Cuda_either_opens_or_explains_without_throwing() => TestData.Run(() =>
    {
        if (IlgpuEngineFactory.TryCreate("cuda", out var engine, out var error))
        {
            using (engine)
            {
                Assert.Equal("cuda", engine!.Info.Kind);
            }
        }
        else
        {
            Assert.Null(engine);
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
    });

    [Fact(Timeout = 60_000)]
    public Task Catalog_lists_the_cpu_accelerator() => TestData.Run(() =>
    {
        var devices = DeviceCatalog.List();
        Assert.Contains(devices, d => d.Kind == "ilgpu-cpu");
    });

    [Fact(Timeout = 60_000)]
    public Task Info_describes_the_cpu_accelerator() => TestData.Run(() =>
    {
        var info = fixture.Engine!.Info;
        Assert.Equal("ilgpu-cpu", info.Kind);
        Assert.True(info.MemoryBytes > 0);
        Assert.True(info.Parallelism >= 1);
    });

    [Theory(Timeout = 60_000)]
    [InlineData(129, 10)]
    [InlineData(32, 65)]
    [InlineData(32, 0)]
    public Task ScoreTopK_refuses_unsupported_shapes_with_a_message(int dim, int k) => TestData.Run(() =>
    {
        var engine = fixture.Engine!;
        using var u = engine.Bind(new float[dim]);
        using var it = engine.Bind(new float[dim]);
        using var ti = engine.Bind(new int[Math.Max(1, k)]);
        using var ts = engine.Bind(new float[Math.Max(1, k)]);
        var ex = Assert.Throws<NotSupportedException>(() => engine.ScoreTopK(new ScoreTopKOperands(1, 1, dim, k, u, it, null, ti, ts)));
        Assert.Contains("ScoreTopK", ex.Message, StringComparison.Ordinal);
    });

    [Theory(Timeout = 60_000)]
    [InlineData(4, 257, 4)]
    [InlineData(4, 8, 5)]
    public Task MlpForward_refuses_wide_or_mismatched_layers(int input, int hidden, int nextIn) => TestData.Run(() =>
    {
        var engine = fixture.Engine!;
        using var w1 = engine.Bind(new float[input * hidden]);
        using var b1 = engine.Bind(new float[hidden]);
        using var w2 = engine.Bind(new float[nextIn]);
        using var b2 = engine.Bind(new float[1]);
        using var x = engine.Bind(new float[input]);
        using var y = engine.Bind(new float[1]);
        var layers = new[] { new MlpLayer(w1, b1, input, hidden, Activation.Relu), new MlpLayer(w2, b2, nextIn, 1, Activation.Linear) };
        var ex = Record.Exception(() => engine.MlpForward(new MlpOperands(1, layers, x, y)));
        Assert.True(ex is NotSupportedException or ArgumentException, ex?.ToString() ?? "no exception");
        Assert.Contains("MLP layer", ex!.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = 60_000)]
    public Task Empty_batches_are_no_ops() => TestData.Run(() =>
    {
        var engine = fixture.Engine!;
        using var f = engine.Bind(new float[1]);
        using var i = engine.Bind(new int[1]);
        engine.Decay(new DecayOperands(0, 4, Simulator.Core.Compute.Operators.ForgettingCurve.Exponential, f, i, f, f, null, f, 0f, 1, 1f));
        engine.ScoreTopK(new ScoreTopKOperands(0, 1, 4, 1, f, f, null, i, f));
        engine.Synchronize();
    });

    [Fact(Timeout = 60_000)]
    public Task Columns_from_another_engine_are_rejected() => TestData.Run(() =>
    {
        var engine = fixture.Engine!;
        var host = new HostColumn<float>(new float[4]);
        using var ti = engine.Bind(new int[1]);
        using var ts = engine.Bind(new float[1]);
        Assert.Throws<ArgumentException>(() => engine.ScoreTopK(new ScoreTopKOperands(1, 1, 4, 1, host, host, null, ti, ts)));
    });

    [Fact(Timeout = 60_000)]
    public Task Oversized_allocation_is_refused_with_a_message() => TestData.Run(() =>
    {
        var engine = fixture.Engine!;
        var ex = Assert.Throws<InvalidOperationException>(() => engine.EnsureFits(engine.AvailableBytes + 1, "a test column"));
        Assert.Contains("a test column", ex.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = 60_000)]
    public Task Bound_columns_mirror_the_host_and_round_trip() => TestData.Run(() =>
    {
        var engine = fixture.Engine!;
        var host = new[] { 1f, 2f, 3f };
        using var column = engine.Bind(host);
        Array.Clear(host);
        column.Download();
        Assert.Equal(new[] { 1f, 2f, 3f }, host);
        host[1] = 5f;
        column.Upload();
        host[1] = 0f;
        column.Download();
        Assert.Equal(5f, host[1]);
        using var empty = engine.Bind(Array.Empty<int>());
        empty.Upload();
        empty.Download();
    });

    [Fact]
    public void Scratch_estimates_cover_the_padded_layouts()
    {
        // d = 3 pads to 4; 2048 / 4 = 512 items per tile, capped at 256: 4 tiles for 1000 items.
        Assert.Equal(4L * 256 * (4 + 1) * sizeof(float), IlgpuEngine.ScoreTopKScratchBytes(1000, 3));
        Assert.Equal(0L, IlgpuEngine.MlpScratchBytes(10, [new MlpLayer(null!, null!, 3, 4, Activation.Relu)]));
    }

    [Fact(Timeout = 60_000)]
    public Task Columns_may_outlive_their_engine() => TestData.Run(() =>
    {
        Assert.True(IlgpuEngineFactory.TryCreate("ilgpu-cpu", out var engine, out var error), error);
        var column = engine!.Bind(new float[8]);
        engine.Dispose();
        column.Dispose();
    });

    [Fact(Timeout = 60_000)]
    public Task Copy_probe_reports_a_positive_bandwidth() => TestData.Run(() =>
    {
        var before = fixture.Engine!.AllocatedBytes;
        var gbs = fixture.Engine!.MeasureCopyGbPerSecond(64 * 1024, 3);
        Assert.True(gbs > 0 && double.IsFinite(gbs));
        Assert.Equal(before, fixture.Engine!.AllocatedBytes);
    });
}
