using System.Diagnostics;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

/// <summary>
/// <see cref="IComputeEngine"/> on an ILGPU accelerator (CUDA, OpenCL or the CPU simulator).
/// Every operation launches one of our kernels (see the Kernels folder) on the accelerator's
/// default stream, so operations are asynchronous but ordered; <see cref="Synchronize"/> waits.
/// Columns must be bound to this engine (<see cref="Bind{T}"/>): operations read and write their
/// device copies, never the host arrays.
/// </summary>
public sealed class IlgpuEngine : IComputeEngine
{
    /// <summary>Widest MLP layer accepted (the device scratch is sized by the widest layer).</summary>
    public const int MaxMlpWidth = 256;

    // Device memory kept free for the runtime, kernels' local memory and the driver.
    private const double ReservedFraction = 0.05;

    private readonly IlgpuSession session;
    private readonly Lock sync = new();
    private long allocatedBytes;

    private Action<KernelConfig, DecayViews, DecayScalars>? decay;
    private Action<KernelConfig, MlpLayerViews, MlpLayerScalars>? mlp;
    private Action<KernelConfig, MlpLayerViews, MlpLayerScalars>? mlpTiled;
    private Action<KernelConfig, ScoreTopKViews, ScoreTopKScalars, SpecializedValue<int>, SpecializedValue<int>, SpecializedValue<int>>? scoreTopK;
    private Action<KernelConfig, ItemTileViews, ItemTileScalars>? tileItemsKernel;
    private Action<KernelConfig, ScoreTopK32Views, int, int, int, int>? scoreTopK32;
    private Action<KernelConfig, PadItemsViews, int, int, int>? padItemsKernel;
    private Action<KernelConfig, ChoiceViews, ChoiceScalars>? choice;
    private Action<KernelConfig, ReinforceViews, ReinforceScalars>? reinforce;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>>? copy;

    // One spare element each: stands in for optional columns that are absent.
    private readonly MemoryBuffer1D<float, Stride1D.Dense> dummyFloat;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> dummyByte;
    private MemoryBuffer1D<float, Stride1D.Dense>? scratchA;
    private MemoryBuffer1D<float, Stride1D.Dense>? scratchB;
    private MemoryBuffer1D<float, Stride1D.Dense>? itemTiles;
    private MemoryBuffer1D<float, Stride1D.Dense>? biasTiles;
    private MemoryBuffer1D<float, Stride1D.Dense>? itemRows;
    private MemoryBuffer1D<float, Stride1D.Dense>? paddedBias;
    private bool disposed;

    internal IlgpuEngine(IlgpuSession session)
    {
        this.session = session;
        var a = session.Accelerator;
        Info = new EngineInfo(session.Kind, a.Name, a.MemorySize, a.NumMultiprocessors);
        dummyFloat = a.Allocate1D<float>(1);
        dummyByte = a.Allocate1D<byte>(1);
        dummyFloat.MemSetToZero();
        dummyByte.MemSetToZero();
    }

    public EngineInfo Info { get; }

    /// <summary>The accelerator the kernels run on (for diagnostics and benchmarks).</summary>
    public Accelerator Accelerator => session.Accelerator;

    /// <summary>Bytes of device memory currently held by this engine's columns and scratch.</summary>
    public long AllocatedBytes => Interlocked.Read(ref allocatedBytes);

    /// <summary>Device memory this engine may still allocate (total minus a reserve minus what it holds).</summary>
    public long AvailableBytes => (long)(Info.MemoryBytes * (1 - ReservedFraction)) - AllocatedBytes;

    internal AcceleratorStream Stream => session.Accelerator.DefaultStream;

    /// <summary>True once the engine (and with it the accelerator and every buffer) is gone.</summary>
    internal bool IsDisposed => disposed;

    /// <summary>
    /// Allocates a device mirror of <paramref name="host"/> (zeroed, then filled with the host's
    /// current contents, so a freshly bound column matches its host array as on the CPU engines).
    /// Later host changes need <see cref="IColumn{T}.Upload"/>; device results need
    /// <see cref="IColumn{T}.Download"/>.
    /// </summary>
    public IColumn<T> Bind<T>(T[] host)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var length = Math.Max(1, host.Length);
        var bytes = (long)length * Unsafe.SizeOf<T>();
        var buffer = Allocate<T>(length, bytes, $"a column of {host.Length} {typeof(T).Name}");
        var column = new DeviceColumn<T>(this, host, buffer);
        column.Upload();
        return column;
    }

    /// <summary>Device scratch bytes ScoreTopK needs beyond its operands (the re-tiled items and bias).</summary>
    public static long ScoreTopKScratchBytes(int itemCount, int dim)
    {
        var dp = ScoreTopKKernel.PaddedDim(dim);
        var tileItems = ScoreTopKKernel.TileItemsFor(dim);
        long tiles = Math.Max(1, (itemCount + tileItems - 1) / tileItems);
        return tiles * tileItems * (dp + 1) * sizeof(float);
    }

    /// <summary>Device scratch bytes MlpForward needs beyond its operands (hidden activations).</summary>
    public static long MlpScratchBytes(int users, IReadOnlyList<MlpLayer> layers)
    {
        if (layers.Count < 2)
        {
            return 0;
        }

        var maxHidden = 0;
        for (var l = 0; l < layers.Count - 1; l++)
        {
            maxHidden = Math.Max(maxHidden, layers[l].Out);
        }

        return (layers.Count > 2 ? 2L : 1L) * users * maxHidden * sizeof(float);
    }

    /// <summary>Throws a readable <see cref="InvalidOperationException"/> when <paramref name="bytes"/> more would not fit.</summary>
    public void EnsureFits(long bytes, string what)
    {
        if (bytes > AvailableBytes)
        {
            throw new InvalidOperationException(
                $"Not enough device memory on {Info.DeviceName} for {what}: needs {Mib(bytes)} MiB, " +
                $"{Mib(Math.Max(0, AvailableBytes))} MiB available ({Mib(Info.MemoryBytes)} MiB total, {Mib(AllocatedBytes)} MiB in use).");
        }
    }

    public void Decay(in DecayOperands op)
    {
        if (op.Users == 0 || op.Dim == 0)
        {
            return;
        }

        var n = (long)op.Users * op.Dim;
        var views = new DecayViews
        {
            Peak = ViewOf(op.Peak, n, nameof(op.Peak)),
            LastEngaged = ViewOf(op.LastEngaged, n, nameof(op.LastEngaged)),
            CurveP1 = ViewOf(op.CurveP1, op.Users, nameof(op.CurveP1)),
            CurveP2 = ViewOf(op.CurveP2, op.Users, nameof(op.CurveP2)),
            Preference = op.Preference is null ? dummyFloat.View : ViewOf(op.Preference, n, nameof(op.Preference)),
            Output = ViewOf(op.Output, n, nameof(op.Output)),
        };
        var scalars = new DecayScalars
        {
            Users = op.Users,
            Dim = op.Dim,
            Curve = op.Curve,
            HasPreference = op.Preference is null ? 0 : 1,
            Baseline = op.Baseline,
            Tick = op.Tick,
            TickLength = op.TickLength,
        };
        decay ??= Accelerator.LoadStreamKernel<DecayViews, DecayScalars>(DecayKernel.Kernel);
        decay(StrideConfig(n), views, scalars);
    }

    public void MlpForward(in MlpOperands op)
    {
        var layers = op.Layers;
        if (layers.Count == 0)
        {
            throw new ArgumentException("An MLP needs at least one layer.", nameof(op));
        }

        var maxWidth = 0;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer.In < 1 || layer.Out < 1 || layer.In > MaxMlpWidth || layer.Out > MaxMlpWidth)
            {
                throw new NotSupportedException($"MLP layer {l} is {layer.In}->{layer.Out}; the ILGPU engine supports widths 1..{MaxMlpWidth}.");
            }

            if (l > 0 && layers[l - 1].Out != layer.In)
            {
                throw new ArgumentException($"MLP layer {l} takes {layer.In} inputs but layer {l - 1} produces {layers[l - 1].Out}.", nameof(op));
            }

            if (l < layers.Count - 1)
            {
                maxWidth = Math.Max(maxWidth, layer.Out);
            }
        }

        if (op.Users == 0)
        {
            return;
        }

        var input = ViewOf(op.Input, (long)op.Users * layers[0].In, nameof(op.Input));
        var output = ViewOf(op.Output, (long)op.Users * layers[^1].Out, nameof(op.Output));
        if (layers.Count > 1)
        {
            // Two hidden buffers only when a hidden layer feeds another hidden layer.
            EnsureScratch((long)op.Users * maxWidth, layers.Count > 2);
        }

        mlp ??= Accelerator.LoadStreamKernel<MlpLayerViews, MlpLayerScalars>(MlpKernel.Kernel);
        var current = input;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var last = l == layers.Count - 1;
            var target = last ? output : (l % 2 == 0 ? scratchA! : scratchB!).View.AsContiguous();
            var views = new MlpLayerViews
            {
                Input = current,
                Weights = ViewOf(layer.Weights, (long)layer.In * layer.Out, $"Layers[{l}].Weights"),
                Bias = ViewOf(layer.Bias, layer.Out, $"Layers[{l}].Bias"),
                Output = target,
            };
            var scalars = new MlpLayerScalars { Users = op.Users, In = layer.In, Out = layer.Out, Activation = layer.Activation };
            if (MlpKernel.FitsTile(layer.In, layer.Out) && Accelerator.MaxNumThreadsPerGroup >= MlpKernel.TileUsers)
            {
                mlpTiled ??= Accelerator.LoadStreamKernel<MlpLayerViews, MlpLayerScalars>(MlpKernel.TiledKernel);
                var blocks = (int)Math.Min((op.Users + MlpKernel.TileUsers - 1) / MlpKernel.TileUsers, Accelerator.MaxGridSize.X);
                mlpTiled(new KernelConfig(blocks, MlpKernel.TileUsers), views, scalars);
            }
            else
            {
                mlp(StrideConfig((long)op.Users * layer.Out), views, scalars);
            }

            current = target;
        }
    }

    public void ScoreTopK(in ScoreTopKOperands op)
    {
        if (op.Dim < 1 || op.Dim > ScoreTopKKernel.MaxDim)
        {
            throw new NotSupportedException($"ScoreTopK supports embedding dimensions 1..{ScoreTopKKernel.MaxDim} on the ILGPU engine; got {op.Dim}.");
        }

        if (op.K < 1 || op.K > ScoreTopKKernel.MaxK)
        {
            throw new NotSupportedException($"ScoreTopK supports k in 1..{ScoreTopKKernel.MaxK} on the ILGPU engine; got {op.K}.");
        }

        if (op.Users == 0)
        {
            return;
        }

        if (op.Dim <= ScoreTopK32Kernel.MaxDim)
        {
            ScoreTopK32(op);
            return;
        }

        var dp = ScoreTopKKernel.PaddedDim(op.Dim);
        var tileItems = ScoreTopKKernel.TileItemsFor(op.Dim);
        var tiles = Math.Max(1, (op.ItemCount + tileItems - 1) / tileItems);
        EnsureItemTiles((long)tiles * dp * tileItems, (long)tiles * tileItems);
        var tileViews = new ItemTileViews
        {
            Items = ViewOf(op.Items, (long)op.ItemCount * op.Dim, nameof(op.Items)),
            ItemBias = op.ItemBias is null ? dummyFloat.View : ViewOf(op.ItemBias, op.ItemCount, nameof(op.ItemBias)),
            ItemTiles = itemTiles!.View,
            BiasTiles = biasTiles!.View,
        };
        var tileScalars = new ItemTileScalars
        {
            ItemCount = op.ItemCount,
            Dim = op.Dim,
            PaddedDim = dp,
            TileItems = tileItems,
            Tiles = tiles,
            HasBias = op.ItemBias is null ? 0 : 1,
        };
        tileItemsKernel ??= Accelerator.LoadStreamKernel<ItemTileViews, ItemTileScalars>(ScoreTopKKernel.TileItemsKernel);
        tileItemsKernel(StrideConfig((long)tiles * dp * tileItems), tileViews, tileScalars);

        var views = new ScoreTopKViews
        {
            UserVectors = ViewOf(op.UserVectors, (long)op.Users * op.Dim, nameof(op.UserVectors)),
            ItemTiles = itemTiles.View,
            BiasTiles = biasTiles.View,
            TopItems = ViewOf(op.TopItems, (long)op.Users * op.K, nameof(op.TopItems)),
            TopScores = ViewOf(op.TopScores, (long)op.Users * op.K, nameof(op.TopScores)),
        };
        var scalars = new ScoreTopKScalars { Users = op.Users, ItemCount = op.ItemCount, Dim = op.Dim, K = op.K };
        var group = ScoreTopKKernel.GroupSizeFor(op.Dim, Accelerator.MaxNumThreadsPerGroup);
        var blockUsers = (long)group * ScoreTopKKernel.UsersPerThread;
        var blocks = (int)Math.Min((op.Users + blockUsers - 1) / blockUsers, Accelerator.MaxGridSize.X);
        scoreTopK ??= Accelerator.LoadStreamKernel<ScoreTopKViews, ScoreTopKScalars, SpecializedValue<int>, SpecializedValue<int>, SpecializedValue<int>>(ScoreTopKKernel.Kernel);
        scoreTopK(new KernelConfig(blocks, group), views, scalars, SpecializedValue.New(dp), SpecializedValue.New(group), SpecializedValue.New(tileItems));
    }

    /// <summary>The d &lt;= 32 path: user vectors in registers, items broadcast from shared memory.</summary>
    private void ScoreTopK32(in ScoreTopKOperands op)
    {
        const int tile = ScoreTopK32Kernel.TileItems;
        var padded = (long)Math.Max(1, (op.ItemCount + tile - 1) / tile) * tile;
        var rowFloats = padded * ScoreTopK32Kernel.MaxDim;
        if (itemRows is null || itemRows.Length < rowFloats)
        {
            Free(ref itemRows);
            itemRows = Allocate<float>(rowFloats, rowFloats * sizeof(float), "the padded item rows of ScoreTopK");
        }

        if (paddedBias is null || paddedBias.Length < padded)
        {
            Free(ref paddedBias);
            paddedBias = Allocate<float>(padded, padded * sizeof(float), "the padded item bias of ScoreTopK");
        }

        var padViews = new PadItemsViews
        {
            Items = ViewOf(op.Items, (long)op.ItemCount * op.Dim, nameof(op.Items)),
            Bias = op.ItemBias is null ? dummyFloat.View : ViewOf(op.ItemBias, op.ItemCount, nameof(op.ItemBias)),
            ItemRows = itemRows.View.SubView(0, rowFloats),
            PaddedBias = paddedBias.View.SubView(0, padded),
        };
        padItemsKernel ??= Accelerator.LoadStreamKernel<PadItemsViews, int, int, int>(ScoreTopK32Kernel.PadItemsKernel);
        padItemsKernel(StrideConfig(rowFloats), padViews, op.ItemCount, op.Dim, op.ItemBias is null ? 0 : 1);

        var views = new ScoreTopK32Views
        {
            UserVectors = ViewOf(op.UserVectors, (long)op.Users * op.Dim, nameof(op.UserVectors)),
            ItemRows = itemRows.View.SubView(0, rowFloats).AsContiguous().Cast<Float4>(),
            ItemBias = paddedBias.View.SubView(0, padded),
            TopItems = ViewOf(op.TopItems, (long)op.Users * op.K, nameof(op.TopItems)),
            TopScores = ViewOf(op.TopScores, (long)op.Users * op.K, nameof(op.TopScores)),
        };
        var group = Math.Min(ScoreTopK32Kernel.GroupSize, Accelerator.MaxNumThreadsPerGroup);
        var blockUsers = (long)group * ScoreTopK32Kernel.UsersPerThread;
        var blocks = (int)Math.Min((op.Users + blockUsers - 1) / blockUsers, Accelerator.MaxGridSize.X);
        scoreTopK32 ??= Accelerator.LoadStreamKernel<ScoreTopK32Views, int, int, int, int>(ScoreTopK32Kernel.Kernel);
        scoreTopK32(new KernelConfig(blocks, group), views, op.Users, (int)padded, op.Dim, op.K);
    }

    public void Choice(in ChoiceOperands op)
    {
        if (op.Users == 0)
        {
            return;
        }

        var views = new ChoiceViews
        {
            Interest = ViewOf(op.Interest, (long)op.Users * op.Dim, nameof(op.Interest)),
            Slates = ViewOf(op.Slates, (long)op.Users * op.K, nameof(op.Slates)),
            Items = ViewOf(op.Items, (long)op.ItemCount * op.Dim, nameof(op.Items)),
            Quality = ViewOf(op.Quality, op.ItemCount, nameof(op.Quality)),
            Active = op.Active is null ? dummyByte.View : ViewOf(op.Active, op.Users, nameof(op.Active)),
            ChosenPosition = ViewOf(op.ChosenPosition, op.Users, nameof(op.ChosenPosition)),
            ExpectedCtr = ViewOf(op.ExpectedCtr, op.Users, nameof(op.ExpectedCtr)),
            Probabilities = ViewOf(op.Probabilities, (long)op.Users * op.K, nameof(op.Probabilities)),
            Dwell = ViewOf(op.Dwell, op.Users, nameof(op.Dwell)),
        };
        var scalars = new ChoiceScalars
        {
            Users = op.Users,
            Dim = op.Dim,
            K = op.K,
            HasActive = op.Active is null ? 0 : 1,
            Seed = op.Seed,
            Tick = op.Tick,
            FirstUser = op.FirstUser,
            Parameters = op.Parameters,
        };
        choice ??= Accelerator.LoadStreamKernel<ChoiceViews, ChoiceScalars>(ChoiceKernel.Kernel);
        choice(StrideConfig(op.Users), views, scalars);
    }

    public void Reinforce(in ReinforceOperands op)
    {
        if (op.Users == 0)
        {
            return;
        }

        var n = (long)op.Users * op.Dim;
        var views = new ReinforceViews
        {
            Peak = ViewOf(op.Peak, n, nameof(op.Peak)),
            LastEngaged = ViewOf(op.LastEngaged, n, nameof(op.LastEngaged)),
            CurveP1 = ViewOf(op.CurveP1, op.Users, nameof(op.CurveP1)),
            CurveP2 = ViewOf(op.CurveP2, op.Users, nameof(op.CurveP2)),
            Slates = ViewOf(op.Slates, (long)op.Users * op.K, nameof(op.Slates)),
            ChosenPosition = ViewOf(op.ChosenPosition, op.Users, nameof(op.ChosenPosition)),
            ItemTopic = ViewOf(op.ItemTopic, 0, nameof(op.ItemTopic)),
        };
        var scalars = new ReinforceScalars
        {
            Users = op.Users,
            Dim = op.Dim,
            K = op.K,
            Curve = op.Curve,
            Baseline = op.Baseline,
            Eta = op.Eta,
            Tick = op.Tick,
            TickLength = op.TickLength,
        };
        reinforce ??= Accelerator.LoadStreamKernel<ReinforceViews, ReinforceScalars>(ReinforceKernel.Kernel);
        reinforce(StrideConfig(op.Users), views, scalars);
    }

    public void Synchronize() => Accelerator.Synchronize();

    /// <summary>
    /// Device-to-device copy bandwidth with our own grid-stride copy kernel: GB/s (10^9 bytes)
    /// counting bytes read plus bytes written, the median of <paramref name="repetitions"/> timed
    /// launches after one warm-up launch (which also pays the kernel compile).
    /// </summary>
    public double MeasureCopyGbPerSecond(long bytes, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 4L);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var floats = bytes / sizeof(float);
        var actualBytes = floats * sizeof(float);
        using var source = Allocate<float>(floats, actualBytes, "the copy probe's source");
        try
        {
            using var target = Allocate<float>(floats, actualBytes, "the copy probe's target");
            try
            {
                source.MemSetToZero();
                copy ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>>(CopyKernel.Kernel);
                var config = StrideConfig(floats);
                copy(config, source.View, target.View);
                Accelerator.Synchronize();
                var seconds = new double[repetitions];
                for (var r = 0; r < repetitions; r++)
                {
                    var start = Stopwatch.GetTimestamp();
                    copy(config, source.View, target.View);
                    Accelerator.Synchronize();
                    seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }

                Array.Sort(seconds);
                var median = repetitions % 2 == 1
                    ? seconds[repetitions / 2]
                    : 0.5 * (seconds[(repetitions / 2) - 1] + seconds[repetitions / 2]);
                return 2.0 * actualBytes / 1e9 / median;
            }
            finally
            {
                Release(actualBytes);
            }
        }
        finally
        {
            Release(actualBytes);
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        scratchA?.Dispose();
        scratchB?.Dispose();
        itemTiles?.Dispose();
        biasTiles?.Dispose();
        itemRows?.Dispose();
        paddedBias?.Dispose();
        dummyFloat.Dispose();
        dummyByte.Dispose();
        session.Dispose();
    }

    internal void Release(long bytes) => Interlocked.Add(ref allocatedBytes, -bytes);

    private static long Mib(long bytes) => bytes / (1024 * 1024);

    private MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length, long bytes, string what)
        where T : unmanaged
    {
        lock (sync)
        {
            EnsureFits(bytes, what);
            MemoryBuffer1D<T, Stride1D.Dense> buffer;
            try
            {
                buffer = Accelerator.Allocate1D<T>(length);
            }
            catch (Exception ex) when (ex is not InvalidOperationException)
            {
                throw new InvalidOperationException($"Device allocation of {Mib(bytes)} MiB for {what} failed on {Info.DeviceName}: {ex.Message}", ex);
            }

            allocatedBytes += bytes;
            return buffer;
        }
    }

    /// <summary>Grows (never shrinks) the device scratch that holds the re-tiled item matrix and bias.</summary>
    private void EnsureItemTiles(long itemFloats, long biasFloats)
    {
        if (itemTiles is null || itemTiles.Length < itemFloats)
        {
            Free(ref itemTiles);
            itemTiles = Allocate<float>(itemFloats, itemFloats * sizeof(float), "the tiled item matrix of ScoreTopK");
        }

        if (biasTiles is null || biasTiles.Length < biasFloats)
        {
            Free(ref biasTiles);
            biasTiles = Allocate<float>(biasFloats, biasFloats * sizeof(float), "the tiled item bias of ScoreTopK");
        }
    }

    private void Free(ref MemoryBuffer1D<float, Stride1D.Dense>? buffer)
    {
        if (buffer is not null)
        {
            // Queued kernels may still read the old buffer.
            Accelerator.Synchronize();
            Release(buffer.LengthInBytes);
            buffer.Dispose();
            buffer = null;
        }
    }

    private void EnsureScratch(long floats, bool two)
    {
        var buffers = two ? 2 : 1;
        if (scratchA is not null && scratchA.Length >= floats && (!two || scratchB is not null))
        {
            return;
        }

        Free(ref scratchA);
        Free(ref scratchB);
        EnsureFits(buffers * floats * sizeof(float), $"the MLP's hidden activations ({buffers} x {floats} floats)");
        scratchA = Allocate<float>(floats, floats * sizeof(float), "MLP scratch");
        if (two)
        {
            scratchB = Allocate<float>(floats, floats * sizeof(float), "MLP scratch");
        }
    }

    /// <summary>The device view of a column bound to this engine, checked for length.</summary>
    private ArrayView<T> ViewOf<T>(IColumn<T> column, long minLength, string name)
        where T : unmanaged
    {
        if (column is not DeviceColumn<T> device || !ReferenceEquals(device.Owner, this))
        {
            throw new ArgumentException($"Column {name} is not bound to this ILGPU engine; create it with IlgpuEngine.Bind.", name);
        }

        if (device.Length < minLength)
        {
            throw new ArgumentException($"Column {name} has {device.Length} elements but the operation needs {minLength}.", name);
        }

        // Empty columns still pass a one-element buffer: kernels never read it, but a zero-length
        // view is not something every backend is happy to bind.
        return device.KernelView;
    }

    /// <summary>Launch shape of a grid-stride loop: enough groups to fill the device a few times over, no more.</summary>
    private KernelConfig StrideConfig(long elements)
    {
        var a = Accelerator;
        var group = Math.Min(256, a.MaxNumThreadsPerGroup);
        var perMultiprocessor = Math.Max(1, a.MaxNumThreadsPerMultiprocessor / group);
        var cap = (long)Math.Max(1, a.NumMultiprocessors) * perMultiprocessor * 4;
        var needed = Math.Max(1, (elements + group - 1) / group);
        var grid = (int)Math.Min(Math.Min(needed, cap), a.MaxGridSize.X);
        return new KernelConfig(grid, group);
    }
}
