using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>The shim's fused kernels (native/fused.h).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int nt_fused_relu_dropout(nint x, double p, [MarshalAs(UnmanagedType.U1)] bool train, ulong stream, long firstSample, out nint result);
    [LibraryImport(Lib)] internal static unsafe partial int nt_dropout_mask(long* shape, int ndim, double p, ulong stream, long firstSample, int dtype, out nint result);
}

internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int nt_layout_contiguous(nint t, int format, out nint result);
    [LibraryImport(Lib)] internal static partial int nt_layout_is_contiguous(nint t, int format, [MarshalAs(UnmanagedType.U1)] out bool result);
}
