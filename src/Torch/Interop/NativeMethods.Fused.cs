using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>The shim's fused ReLU + dropout with counter-based masks (native/fused.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial NativeStatus nt_fused_relu_dropout(nint x, double p, [MarshalAs(UnmanagedType.U1)] bool train, ulong stream, long firstSample, out nint result);
    [LibraryImport(Lib)] internal static unsafe partial NativeStatus nt_dropout_mask(long* shape, int ndim, double p, ulong stream, long firstSample, int dtype, out nint result);
}
