namespace Simulator.Cli.Bench;

/// <summary>How a stage's work is counted: bytes moved (memory-bound) or floating-point operations.</summary>
public enum StageBound
{
    Memory,
    Compute,
}

/// <summary>One timed stage: median and spread of the repetitions, and the work it did.</summary>
public sealed record StageResult(string Name, StageBound Bound, double Work, IReadOnlyList<double> Seconds, int Users)
{
    public double MedianSeconds => CpuProbes.Median(Seconds);

    public double MinSeconds => Seconds.Min();

    public double MaxSeconds => Seconds.Max();

    public double UserStepsPerSecond => Users / MedianSeconds;

    /// <summary>GB/s for memory-bound stages, GFLOP/s for compute-bound ones.</summary>
    public double Rate => Work / MedianSeconds / 1e9;
}

/// <summary>All stages at one size.</summary>
public sealed record SizeResult(int Users, int Items, int Dim, int K, IReadOnlyList<StageResult> Stages);
