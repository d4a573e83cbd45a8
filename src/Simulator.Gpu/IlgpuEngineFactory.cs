namespace Simulator.Gpu;

/// <summary>Creates <see cref="IlgpuEngine"/>s without throwing on a missing or failing device.</summary>
public static class IlgpuEngineFactory
{
    /// <summary>
    /// Opens an engine of the given kind (cuda, opencl, ilgpu-cpu). Returns false with a readable
    /// reason when the kind is unknown, no such device exists or the driver fails.
    /// </summary>
    public static bool TryCreate(string kind, out IlgpuEngine? engine, out string error)
    {
        engine = null;
        error = string.Empty;
        if (!IlgpuSession.TryMapKind(kind, out _))
        {
            error = $"Unknown ILGPU device kind '{kind}'; expected one of: {string.Join(", ", IlgpuSession.Kinds)}.";
            return false;
        }

        IlgpuSession? session = null;
        try
        {
            session = IlgpuSession.Open(kind);
            engine = new IlgpuEngine(session);
            return true;
        }
        catch (Exception ex)
        {
            session?.Dispose();
            error = $"Could not open an ILGPU {kind} device: {ex.Message}";
            return false;
        }
    }
}
