using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>The shim's process groups (native/distributed.cpp): c10d on Gloo, its store, and its collectives.</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool nt_dist_available();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus nt_dist_group_tcp(string host, int port, int rank, int worldSize, long timeoutMs, string? bindAddress, out nint group);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial NativeStatus nt_dist_group_file(string path, int rank, int worldSize, long timeoutMs, string? bindAddress, out nint group);
    [LibraryImport(Lib)] internal static partial void nt_dist_group_free(nint group);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_dist_rank(ProcessGroupHandle group, out int rank, out int worldSize);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_dist_allreduce_sum(ProcessGroupHandle group, nint* tensors, int count);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_dist_broadcast(ProcessGroupHandle group, nint* tensors, int count, int root);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_dist_barrier(ProcessGroupHandle group);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_dist_replica_group(ProcessGroupHandle group, out nint replicaGroup);
}
