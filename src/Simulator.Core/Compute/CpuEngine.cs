using System.Runtime.Intrinsics;

namespace Simulator.Core.Compute;

/// <summary>
/// The production engine on machines without a GPU: hand-vectorised (Vector256, FMA) kernels
/// over user chunks run by <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>.
/// Every user's result is computed by one thread in a fixed order, so output is identical for
/// every degree of parallelism. Falls back to the scalar reference where Vector256 is not
/// hardware-accelerated.
/// </summary>
public sealed partial class CpuEngine : IComputeEngine
{
    private readonly ParallelOptions _parallel;
    private readonly ReferenceEngine _scalar = new();
    private readonly bool _prefilterEnabled;

    /// <param name="threads">Worker threads (at least 1). Core reads no processor count itself: the caller passes it.</param>
    /// <param name="logicalCores">The machine's logical cores, for the device description; null when the caller does not say.</param>
    /// <param name="prefilter">
    /// Score + top-k behind the certified int8 prefilter where the CPU supports it (the default);
    /// false: always the fp32 path, the reference the prefilter is tested against. Results are
    /// bit-identical either way (<see cref="ScorePath"/>).
    /// </param>
    public CpuEngine(int threads, int? logicalCores = null, bool prefilter = true)
    {
        _prefilterEnabled = prefilter;
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var simd = Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";
        var cores = logicalCores is { } n ? $"{n} logical cores, " : string.Empty;
        Info = new EngineInfo(
            "cpu",
            $"{CpuName()} ({cores}{simd}, {threads} threads)",
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            threads);
    }

    public EngineInfo Info { get; }

    /// <summary>Worker threads this engine uses.</summary>
    public int Threads => _parallel.MaxDegreeOfParallelism;

    public IColumn<T> Bind<T>(T[] host)
        where T : unmanaged => new HostColumn<T>(host);

    public void Choice(in ChoiceOperands op)
    {
        var operands = op;
        ForEachChunk(op.Users, 1024, (start, end) => ChoiceBatch.Run(operands, start, end));
    }

    public void Reinforce(in ReinforceOperands op)
    {
        var operands = op;
        ForEachChunk(op.Users, 4096, (start, end) => ReinforceBatch.Run(operands, start, end));
    }

    public void Synchronize()
    {
    }

    public void Dispose() => _scalar.Dispose();

    /// <summary>Runs body over [0, count) in chunks of a fixed size; chunk boundaries never depend on thread count.</summary>
    private void ForEachChunk(int count, int chunk, Action<int, int> body)
    {
        var chunks = (count + chunk - 1) / chunk;
        if (chunks <= 1 || _parallel.MaxDegreeOfParallelism == 1)
        {
            for (var c = 0; c < chunks; c++)
            {
                body(c * chunk, Math.Min(count, (c + 1) * chunk));
            }

            return;
        }

        Parallel.For(0, chunks, _parallel, c => body(c * chunk, Math.Min(count, (c + 1) * chunk)));
    }

    private static string CpuName()
    {
        var arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture;
        return $"{arch} CPU";
    }
}
