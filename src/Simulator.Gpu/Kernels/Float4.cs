using System.Runtime.InteropServices;

namespace Simulator.Gpu.Kernels;

/// <summary>
/// Four floats loaded and stored as one unit: ILGPU's PTX backend turns a load of this struct
/// from 16-byte-aligned shared memory into one <c>ld.shared.v4.f32</c>, which is what keeps the
/// score kernel's shared-memory traffic below its FMA rate.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Float4
{
    public float X;
    public float Y;
    public float Z;
    public float W;
}
