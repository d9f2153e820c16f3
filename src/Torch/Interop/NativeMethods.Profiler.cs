using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>libtorch's legacy autograd profiler around a stretch of work (native/profiler.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus nt_profiler_start(string path);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_profiler_stop();
}
