using System.Reflection;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Simulator.Gpu;
using Simulator.Gpu.Kernels;

namespace Simulator.Gpu.Tests;

/// <summary>
/// Compiles every kernel entry point to PTX for sm_90 without a GPU. Catches what the CPU
/// accelerator hides: intrinsics with no CUDA lowering (e.g. MathF without EnableAlgorithms),
/// unsupported managed constructs, shared-memory misuse.
/// </summary>
public sealed class PtxCompileTests
{
    public static TheoryData<string, string> Kernels => new()
    {
        { nameof(DecayKernel), "Kernel" },
        { nameof(MlpKernel), "Kernel" },
        { nameof(MlpKernel), nameof(MlpKernel.TiledKernel) },
        { nameof(ScoreTopKKernel), "Kernel" },
        { nameof(ScoreTopKKernel), nameof(ScoreTopKKernel.TileItemsKernel) },
        { nameof(ScoreTopK32Kernel), "Kernel" },
        { nameof(ScoreTopK32Kernel), nameof(ScoreTopK32Kernel.PadItemsKernel) },
        { nameof(Int8Prefilter32Kernel), "Kernel" },
        { nameof(Int8Prefilter32Kernel), nameof(Int8Prefilter32Kernel.UsersKernel) },
        { nameof(ChoiceKernel), "Kernel" },
        { nameof(ReinforceKernel), "Kernel" },
        { nameof(CopyKernel), "Kernel" },
        { nameof(RecurrentKernel), nameof(RecurrentKernel.CarryKernel) },
        { nameof(RecurrentKernel), nameof(RecurrentKernel.ProductKernel) },
        { nameof(RecurrentKernel), nameof(RecurrentKernel.GatesKernel) },
        { nameof(RecurrentKernel), nameof(RecurrentKernel.ReadoutKernel) },
        { nameof(AttentionKernel), "Kernel" },
    };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Kernels))]
    public Task Kernel_compiles_to_ptx_for_sm90(string kernelClass, string entryPoint) => TestData.Run(() =>
    {
        var type = typeof(DecayKernel).Assembly.GetType($"Simulator.Gpu.Kernels.{kernelClass}", throwOnError: true)!;
        var ptx = CompileToPtx(type.GetMethod(entryPoint, BindingFlags.Public | BindingFlags.Static)!);
        Assert.Contains(".entry", ptx, StringComparison.Ordinal);

        // Set SIMULATOR_PTX_DUMP to a folder to inspect the generated PTX (registers, local memory).
        var dump = Environment.GetEnvironmentVariable("SIMULATOR_PTX_DUMP");
        if (!string.IsNullOrEmpty(dump))
        {
            Directory.CreateDirectory(dump);
            File.WriteAllText(Path.Combine(dump, $"{kernelClass}.{entryPoint}.ptx"), ptx);
        }
    });

    [Fact(Timeout = 120_000)]
    public Task The_prefilter_kernel_takes_its_int8_products_from_dp4a_on_cuda() => TestData.Run(() =>
    {
        var ptx = CompileToPtx(typeof(Int8Prefilter32Kernel).GetMethod(nameof(Int8Prefilter32Kernel.Kernel), BindingFlags.Public | BindingFlags.Static)!);

        // Eight per (user, item) pair, two users per thread. The integer emulation stays in the
        // PTX behind a predicate set from two constants (setp.ne 1, 1), which ptxas removes.
        var count = ptx.Split("dp4a.s32.s32").Length - 1;
        Assert.True(count >= 16, $"{count} dp4a instructions");
    });

    [Fact(Timeout = 120_000)]
    public Task ScoreTopK_static_shared_memory_fits_48_KB() => TestData.Run(() =>
    {
        const int bytes = (ScoreTopKKernel.UserTileFloats + ScoreTopKKernel.ItemTileFloats + ScoreTopKKernel.MaxTileItems) * sizeof(float);
        Assert.True(bytes <= 48 * 1024, $"{bytes} B of static shared memory");
        for (var d = 1; d <= ScoreTopKKernel.MaxDim; d++)
        {
            var dp = ScoreTopKKernel.PaddedDim(d);
            Assert.True(dp % 4 == 0 && dp >= d);
            var group = ScoreTopKKernel.GroupSizeFor(d, 1024);
            Assert.True(group * ScoreTopKKernel.UsersPerThread * dp <= ScoreTopKKernel.UserTileFloats);
            var tile = ScoreTopKKernel.TileItemsFor(d);
            Assert.True(tile >= ScoreTopKKernel.ItemsPerStep && tile % ScoreTopKKernel.ItemsPerStep == 0 && tile * dp <= ScoreTopKKernel.ItemTileFloats);
        }
    });

    private static string CompileToPtx(MethodInfo kernel)
    {
        using var context = IlgpuSession.CreateContext();
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null!);
        var compiled = backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), new KernelSpecialization());
        return Assert.IsType<PTXCompiledKernel>(compiled).PTXAssembly;
    }
}
