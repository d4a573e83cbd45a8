namespace Simulator.Core.Compute;

/// <summary>
/// A population or catalog column bound to a compute engine. The host array is the truth the
/// simulation reads and writes; an engine may keep its own copy (device memory) in sync through
/// <see cref="Upload"/> and <see cref="Download"/>. On CPU engines both are no-ops because the
/// engine works on the host array itself.
/// </summary>
public interface IColumn<T> : IDisposable
    where T : unmanaged
{
    /// <summary>The host array (row-major per user or item).</summary>
    T[] Host { get; }

    /// <summary>Element count.</summary>
    int Length { get; }

    /// <summary>Copies the host array to the engine's copy.</summary>
    void Upload();

    /// <summary>Copies the engine's copy back to the host array.</summary>
    void Download();
}

/// <summary>A column that lives in host memory: the CPU engines' column, with no copy at all.</summary>
internal sealed class HostColumn<T> : IColumn<T>
    where T : unmanaged
{
    public HostColumn(T[] host) => Host = host;

    public T[] Host { get; }

    public int Length => Host.Length;

    public void Upload()
    {
    }

    public void Download()
    {
    }

    public void Dispose()
    {
    }
}
