using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>The shim's data-parallel replica support (native/replica.h).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int nt_replica_group_new(int parties, out nint group);
    [LibraryImport(Lib)] internal static partial void nt_replica_group_free(nint group);
    [LibraryImport(Lib)] internal static partial void nt_replica_group_abort(nint group);
    [LibraryImport(Lib)] internal static partial int nt_norm_batch_replicated(nint x, nint weight, nint bias, nint runningMean, nint runningVar, nint group, int rank, double momentum, double eps, out nint result);
    [LibraryImport(Lib)] internal static partial int nt_threads_set_this_thread(int n);
}

/// <summary>The shim's profiler hook (native/profiler.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int nt_profiler_start(string path);
    [LibraryImport(Lib)] internal static partial int nt_profiler_stop();
}
