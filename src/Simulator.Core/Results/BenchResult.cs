namespace Simulator.Core.Results;

/// <summary>What bounds a stage on the roofline: bytes moved (memory) or floating-point operations (compute).</summary>
public enum StageBound
{
    Memory,
    Compute,
}

/// <summary>
/// One timed bench stage: the seconds of each repetition and the work it did, counted both ways
/// (operations and bytes) so it can be placed on a roofline. Transcendentals count as one
/// operation each, by convention.
/// </summary>
public sealed record StageResult(string Name, StageBound Bound, double Flops, double Bytes, IReadOnlyList<double> Seconds, int Users)
{
    public double MedianSeconds => Statistics.Quantiles.Median(Seconds);

    public double MinSeconds => Seconds.Min();

    public double MaxSeconds => Seconds.Max();

    public double UserStepsPerSecond => Users / MedianSeconds;

    /// <summary>The work that bounds the stage: bytes for memory-bound, operations for compute-bound.</summary>
    public double Work => Bound == StageBound.Memory ? Bytes : Flops;

    /// <summary>GB/s for memory-bound stages, GFLOP/s for compute-bound ones.</summary>
    public double Rate => Work / MedianSeconds / 1e9;

    /// <summary>Operations per byte: where the stage sits on the roofline's x axis.</summary>
    public double ArithmeticIntensity => Flops / Bytes;

    public double GflopPerSecond => Flops / MedianSeconds / 1e9;

}

/// <summary>All stages at one size.</summary>
public sealed record SizeResult(int Users, int Items, int Dim, int K, IReadOnlyList<StageResult> Stages)
{
    /// <summary>How score + top-k ran (the CPU engine's <c>ScorePath</c>); null where the engine does not say.</summary>
    public string? ScorePath { get; init; }

    /// <summary>
    /// Share of (user, item) pairs the int8 prefilter kept for fp32 rescoring: during score_topk on
    /// the CPU engine, during score_topk_prefiltered on an ILGPU engine; null where it did not run.
    /// </summary>
    public double? SurvivorShare { get; init; }

    /// <summary>On an ILGPU engine: how score_topk_prefiltered ran (the engine's prefilter path); null elsewhere.</summary>
    public string? GpuPrefilterPath { get; init; }

    /// <summary>On an ILGPU engine: whether score_topk_prefiltered's slates and scores equal score_topk's bit for bit.</summary>
    public bool? GpuPrefilterMatchesFp32 { get; init; }

    /// <summary>On an ILGPU engine: why score_topk_prefiltered could not run (for example a driver refusing its PTX); null when it ran or was not tried.</summary>
    public string? GpuPrefilterError { get; init; }
}

/// <summary>The machine's limits measured in the same run: copy bandwidth and FMA rate (null where not measured).</summary>
public sealed record BenchProbes(double CopyGbPerSecond, double? GflopPerSecond, string CopyProbe, string FlopProbe);

/// <summary>A finished bench: what ran where, the probes and every size measured.</summary>
public sealed record BenchResult(string DeviceKind, string DeviceName, BenchProbes Probes, IReadOnlyList<SizeResult> Sizes);
