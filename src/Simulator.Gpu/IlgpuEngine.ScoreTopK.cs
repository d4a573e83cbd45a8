using ILGPU;
using ILGPU.Runtime;
using Simulator.Core.Compute;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu;

public sealed partial class IlgpuEngine
{
    private Action<KernelConfig, ScoreTopKViews, ScoreTopKScalars, SpecializedValue<int>, SpecializedValue<int>, SpecializedValue<int>>? scoreTopK;
    private Action<KernelConfig, ItemTileViews, ItemTileScalars>? tileItemsKernel;
    private Action<KernelConfig, ScoreTopK32Views, int, int, int, int>? scoreTopK32;
    private Action<KernelConfig, PadItemsViews, int, int, int>? padItemsKernel;

    // Items re-laid for the kernels, grown and never shrunk: tiles for the d > 32 path, padded
    // rows for the d <= 32 path.
    private MemoryBuffer1D<float, Stride1D.Dense>? itemTiles;
    private MemoryBuffer1D<float, Stride1D.Dense>? biasTiles;
    private MemoryBuffer1D<float, Stride1D.Dense>? itemRows;
    private MemoryBuffer1D<float, Stride1D.Dense>? paddedBias;

    /// <summary>Device scratch bytes ScoreTopK needs beyond its operands (the re-tiled items and bias).</summary>
    public static long ScoreTopKScratchBytes(int itemCount, int dim)
    {
        var dp = ScoreTopKKernel.PaddedDim(dim);
        var tileItems = ScoreTopKKernel.TileItemsFor(dim);
        long tiles = Math.Max(1, (itemCount + tileItems - 1) / tileItems);
        return tiles * tileItems * (dp + 1) * sizeof(float);
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
        if (TryPrefilteredScoreTopK32(op, padded, itemRows, paddedBias))
        {
            return;
        }

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
}
