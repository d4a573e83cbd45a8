using ILGPU.Runtime;

namespace Simulator.Gpu;

/// <summary>One device ILGPU can see, for <c>simulator list devices</c>.</summary>
/// <param name="Kind">Session kind that opens it: cuda, opencl or ilgpu-cpu.</param>
/// <param name="Name">Device name as reported by the driver.</param>
/// <param name="MemoryBytes">Device memory in bytes.</param>
/// <param name="Details">Multiprocessors, warp size, group and shared-memory limits.</param>
public sealed record DeviceRecord(string Kind, string Name, long MemoryBytes, string Details);

/// <summary>Lists the devices ILGPU sees. Never throws: a broken driver yields an empty list or a note.</summary>
public static class DeviceCatalog
{
    public static IReadOnlyList<DeviceRecord> List()
    {
        var result = new List<DeviceRecord>();
        try
        {
            using var context = IlgpuSession.CreateContext();
            foreach (var d in context.Devices)
            {
                var details = $"multiprocessors={d.NumMultiprocessors}, warp={d.WarpSize}, " +
                    $"maxGroup={d.MaxNumThreadsPerGroup}, sharedPerGroup={d.MaxSharedMemoryPerGroup} B";
                result.Add(new DeviceRecord(KindOf(d.AcceleratorType), d.Name, d.MemorySize, details));
            }
        }
        catch (Exception ex)
        {
            // Enumeration failures (e.g. a half-installed driver) are reported, not thrown, so the
            // command can still print what it knows.
            result.Add(new DeviceRecord("error", "ILGPU device enumeration failed", 0, ex.Message));
        }

        return result;
    }

    internal static string KindOf(AcceleratorType type) => type switch
    {
        AcceleratorType.Cuda => "cuda",
        AcceleratorType.OpenCL => "opencl",
        _ => "ilgpu-cpu",
    };
}
