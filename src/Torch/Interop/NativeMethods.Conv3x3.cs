using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>The shim's direct 3x3 convolution (native/conv3x3.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial NativeStatus nt_nn_conv3x3(nint x, nint weight, long padding, long macLimit, [MarshalAs(UnmanagedType.U1)] out bool direct, out nint result);
}
