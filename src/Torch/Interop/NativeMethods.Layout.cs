using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>Memory formats: contiguous or channels-last (native/layout.cpp); format codes are <see cref="MemoryFormat"/>.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial NativeStatus nt_layout_contiguous(nint t, int format, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_layout_is_contiguous(nint t, int format, [MarshalAs(UnmanagedType.U1)] out bool result);
}
