namespace Simulator.Core.Compute;

/// <summary>What an engine runs on, recorded in run folders and bench results.</summary>
/// <param name="Kind">cpu, reference, cuda, opencl or ilgpu-cpu.</param>
/// <param name="DeviceName">Human-readable device name.</param>
/// <param name="MemoryBytes">Memory the engine may use (device memory for GPUs).</param>
/// <param name="Parallelism">Worker threads (CPU) or multiprocessors (GPU).</param>
public sealed record EngineInfo(string Kind, string DeviceName, long MemoryBytes, int Parallelism);

/// <summary>
/// The per-user hot operations of a tick. Implementations: <see cref="ReferenceEngine"/> (scalar,
/// the semantics), <see cref="CpuEngine"/> (SIMD + threads, the production CPU path) and the ILGPU
/// engine in Simulator.Gpu. Every operation works on columns bound to this engine; results for a
/// user never depend on how users are split across threads or GPU blocks.
/// </summary>
public interface IComputeEngine : IDisposable
{
    EngineInfo Info { get; }

    /// <summary>Binds a host array to this engine (zero-copy on CPU engines, a device mirror on GPUs).</summary>
    IColumn<T> Bind<T>(T[] host)
        where T : unmanaged;

    void Decay(in DecayOperands op);

    void MlpForward(in MlpOperands op);

    void ScoreTopK(in ScoreTopKOperands op);

    void Choice(in ChoiceOperands op);

    void Reinforce(in ReinforceOperands op);

    /// <summary>One recurrent cell step for a batch of users (the sequence models' memory).</summary>
    void RecurrentStep(in RecurrentStepOperands op);

    /// <summary>Each user's recurrent hidden vector at recommendation time.</summary>
    void RecurrentReadout(in RecurrentReadoutOperands op);

    /// <summary>Each user's attention readout h_now over the last engagements of its window.</summary>
    void AttentionReadout(in AttentionReadoutOperands op);

    /// <summary>Waits for queued work (no-op on CPU engines).</summary>
    void Synchronize();
}
