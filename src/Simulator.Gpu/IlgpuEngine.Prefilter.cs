using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    /// <summary>Fewest items for which the prefilter runs (and at least 8 k): below, it cannot gain.</summary>
    internal const int PrefilterMinItems = 64;

    private Action<KernelConfig, PrefilterUserViews, Int8ItemBound, int, int>? prefilterUsersKernel;
    private Action<KernelConfig, PrefilteredScoreTopKViews, int, int, int, int, int>? prefilteredKernel;
    private MemoryBuffer1D<int, Stride1D.Dense>? itemCodes;
    private MemoryBuffer1D<float, Stride1D.Dense>? prefilterBias;
    private MemoryBuffer1D<float, Stride1D.Dense>? itemCentre;
    private MemoryBuffer1D<Int4, Stride1D.Dense>? userCodes;
    private MemoryBuffer1D<float, Stride1D.Dense>? userScale;
    private MemoryBuffer1D<float, Stride1D.Dense>? userOffset;
    private MemoryBuffer1D<long, Stride1D.Dense>? survivorCount;
    private long prefilterPairs;

    /// <summary>
    /// Score + top-k (d &lt;= 32) behind the certified int8 prefilter (<c>dp4a</c> on CUDA; see
    /// <see cref="Int8Prefilter32Kernel"/>): results are the fp32 kernel's, bit for bit. Off by
    /// default: no GPU measurement has yet shown where it pays (the bench times it beside the
    /// fp32 kernel and checks the two agree).
    /// </summary>
    public bool Int8Prefilter { get; set; }

    /// <summary>Applies the size rule (at least 64 items and 8 k); tests turn it off to run the prefilter on tiny catalogs.</summary>
    internal bool PrefilterSizeRule { get; set; } = true;

    /// <summary>How score + top-k runs on this engine for d &lt;= 32.</summary>
    public string ScorePath => Int8Prefilter
        ? $"int8 prefilter ({(Accelerator.AcceleratorType == AcceleratorType.Cuda ? "dp4a" : "integer emulation")}) + exact fp32 rescoring of survivors"
        : "fp32";

    /// <summary>(user, item) pairs that went through the prefilter since construction or <see cref="ResetPrefilterCounters"/>.</summary>
    public long PrefilterPairs => prefilterPairs;

    /// <summary>Of <see cref="PrefilterPairs"/>, the pairs rescored in fp32 (waits for the device).</summary>
    public long PrefilterSurvivors
    {
        get
        {
            if (survivorCount is null)
            {
                return 0;
            }

            var host = new long[1];
            survivorCount.View.CopyToCPU(Stream, host);
            Stream.Synchronize();
            return host[0];
        }
    }

    public void ResetPrefilterCounters()
    {
        prefilterPairs = 0;
        survivorCount?.MemSetToZero(Stream);
    }

    /// <summary>Runs the prefiltered d &lt;= 32 score + top-k; false when these operands take the fp32 kernel.</summary>
    private bool TryPrefilteredScoreTopK32(in ScoreTopKOperands op, long padded, MemoryBuffer1D<float, Stride1D.Dense> rows, MemoryBuffer1D<float, Stride1D.Dense> bias)
    {
        if (!Int8Prefilter || (PrefilterSizeRule && (op.ItemCount < PrefilterMinItems || op.ItemCount < 8 * op.K)))
        {
            return false;
        }

        var items = new float[(long)op.ItemCount * op.Dim];
        ViewOf(op.Items, items.Length, nameof(op.Items)).SubView(0, items.Length).CopyToCPU(Stream, items);
        float[]? itemBias = null;
        if (op.ItemBias is not null)
        {
            itemBias = new float[op.ItemCount];
            ViewOf(op.ItemBias, op.ItemCount, nameof(op.ItemBias)).SubView(0, op.ItemCount).CopyToCPU(Stream, itemBias);
        }

        Stream.Synchronize();
        var codes = Int8ItemCodes.Build(items, itemBias, op.ItemCount, op.Dim, (int)padded);
        if (codes is null)
        {
            return false;
        }

        EnsurePrefilterBuffers(padded, op.Users);
        itemCodes!.View.SubView(0, padded * 8).CopyFromCPU(Stream, codes.Codes);
        prefilterBias!.View.SubView(0, padded).CopyFromCPU(Stream, codes.PrefilterBias);
        itemCentre!.View.CopyFromCPU(Stream, codes.Mu);

        var userViews = new PrefilterUserViews
        {
            UserVectors = ViewOf(op.UserVectors, (long)op.Users * op.Dim, nameof(op.UserVectors)),
            Mu = itemCentre.View,
            UserCodes = userCodes!.View,
            UserScale = userScale!.View,
            UserOffset = userOffset!.View,
        };
        prefilterUsersKernel ??= Accelerator.LoadStreamKernel<PrefilterUserViews, Int8ItemBound, int, int>(Int8Prefilter32Kernel.UsersKernel);
        prefilterUsersKernel(StrideConfig(op.Users), userViews, codes.Bound, op.Users, op.Dim);

        var views = new PrefilteredScoreTopKViews
        {
            Exact = new ScoreTopK32Views
            {
                UserVectors = userViews.UserVectors,
                ItemRows = rows.View.SubView(0, padded * ScoreTopK32Kernel.MaxDim).AsContiguous().Cast<Float4>(),
                ItemBias = bias.View.SubView(0, padded),
                TopItems = ViewOf(op.TopItems, (long)op.Users * op.K, nameof(op.TopItems)),
                TopScores = ViewOf(op.TopScores, (long)op.Users * op.K, nameof(op.TopScores)),
            },
            ItemCodes = itemCodes.View.SubView(0, padded * 8).AsContiguous().Cast<Int4>(),
            PrefilterBias = prefilterBias.View,
            UserCodes = userCodes.View,
            UserScale = userScale.View,
            UserOffset = userOffset.View,
            Survivors = survivorCount!.View,
        };
        var group = Math.Min(ScoreTopK32Kernel.GroupSize, Accelerator.MaxNumThreadsPerGroup);
        var blockUsers = (long)group * ScoreTopK32Kernel.UsersPerThread;
        var blocks = (int)Math.Min((op.Users + blockUsers - 1) / blockUsers, Accelerator.MaxGridSize.X);
        prefilteredKernel ??= Accelerator.LoadStreamKernel<PrefilteredScoreTopKViews, int, int, int, int, int>(Int8Prefilter32Kernel.Kernel);
        prefilteredKernel(new KernelConfig(blocks, group), views, op.Users, op.ItemCount, (int)padded, op.Dim, op.K);
        prefilterPairs += (long)op.Users * op.ItemCount;
        return true;
    }

    /// <summary>Grows (never shrinks) the prefilter's item codes, biases and per-user codes, scales and offsets.</summary>
    private void EnsurePrefilterBuffers(long padded, int users)
    {
        if (itemCodes is null || itemCodes.Length < padded * 8)
        {
            Free(ref itemCodes);
            itemCodes = Allocate<int>(padded * 8, padded * 32, "the int8 item codes of the prefilter");
        }

        if (prefilterBias is null || prefilterBias.Length < padded)
        {
            Free(ref prefilterBias);
            prefilterBias = Allocate<float>(padded, padded * sizeof(float), "the prefilter's item bias");
        }

        itemCentre ??= Allocate<float>(ScoreTopK32Kernel.MaxDim, ScoreTopK32Kernel.MaxDim * sizeof(float), "the prefilter's item centre");
        if (survivorCount is null)
        {
            survivorCount = Allocate<long>(1, sizeof(long), "the prefilter's survivor count");
            survivorCount.MemSetToZero(Stream);
        }

        var n = Math.Max(1, users);
        if (userCodes is null || userCodes.Length < (long)n * 2)
        {
            Free(ref userCodes);
            Free(ref userScale);
            Free(ref userOffset);
            userCodes = Allocate<Int4>((long)n * 2, (long)n * 32, "the int8 user codes of the prefilter");
            userScale = Allocate<float>(n, (long)n * sizeof(float), "the prefilter's user scales");
            userOffset = Allocate<float>(n, (long)n * sizeof(float), "the prefilter's user offsets");
        }
    }

    private void DisposePrefilterBuffers()
    {
        itemCodes?.Dispose();
        prefilterBias?.Dispose();
        itemCentre?.Dispose();
        userCodes?.Dispose();
        userScale?.Dispose();
        userOffset?.Dispose();
        survivorCount?.Dispose();
    }
}
