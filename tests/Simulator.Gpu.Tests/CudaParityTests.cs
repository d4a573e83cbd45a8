namespace Simulator.Gpu.Tests;

/// <summary>The same parity checks on the first CUDA device; skipped where there is none.</summary>
[Trait("Category", "Gpu")]
public sealed class CudaParityTests(CudaEngineFixture fixture) : ParityChecks, IClassFixture<CudaEngineFixture>
{
    protected override EngineFixture Fixture => fixture;

    [SkippableFact(Timeout = 300_000)]
    public Task ScoreTopK_matches_reference_at_100k_users_by_1000_items() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 100_000, items = 1000, dim = 32, k = 10;
        var u = TestData.Floats(71, users * dim, -1f, 1f);
        var it = TestData.Floats(72, items * dim, -1f, 1f);
        var bias = TestData.Floats(73, items, -0.5f, 0.5f);
        CheckScoreTopK(engine, users, items, dim, k, u, it, bias, exactScores: false);
    });

    [SkippableFact(Timeout = 300_000)]
    public Task Prefiltered_score_topk_equals_the_fp32_kernel_at_100k_users_by_10k_items() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int users = 100_000, items = 10_000, dim = 32, k = 10;
        var u = TestData.Floats(74, users * dim, -1f, 1f);
        var it = TestData.Floats(75, items * dim, 0f, 1f);
        var bias = TestData.Floats(76, items, -0.5f, 0.5f);
        var (survivors, pairs) = AssertPrefilterMatches(engine, users, items, dim, k, u, it, bias);
        Assert.True(survivors < pairs / 10, $"{survivors} of {pairs} rescored");
    });
}
