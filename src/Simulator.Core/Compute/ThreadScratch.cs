namespace Simulator.Core.Compute;

/// <summary>
/// A pinned float buffer per thread and per purpose (the tag type), reused across calls: the
/// CPU kernels' staging and hidden-layer buffers. Allocating them per chunk cost more than the
/// work at a million users; one per thread keeps memory bounded and needs no locking.
/// </summary>
/// <typeparam name="TTag">An empty type naming the purpose; each closed type has its own buffer.</typeparam>
internal static class ThreadScratch<TTag>
{
    [ThreadStatic]
    private static float[]? _buffer;

    /// <summary>This thread's buffer, at least <paramref name="length"/> long (contents undefined).</summary>
    public static float[] For(int length)
    {
        if (_buffer is null || _buffer.Length < length)
        {
            _buffer = GC.AllocateUninitializedArray<float>(length, pinned: true);
        }

        return _buffer;
    }
}

/// <summary>
/// <see cref="ThreadScratch{TTag}"/> for elements other than float: a pinned buffer per thread,
/// per purpose and per element type, reused across calls.
/// </summary>
/// <typeparam name="TTag">An empty type naming the purpose.</typeparam>
/// <typeparam name="T">The element type.</typeparam>
internal static class ThreadScratch<TTag, T>
    where T : unmanaged
{
    [ThreadStatic]
    private static T[]? _buffer;

    /// <summary>This thread's buffer, at least <paramref name="length"/> long (contents undefined).</summary>
    public static T[] For(int length)
    {
        if (_buffer is null || _buffer.Length < length)
        {
            _buffer = GC.AllocateUninitializedArray<T>(length, pinned: true);
        }

        return _buffer;
    }
}
