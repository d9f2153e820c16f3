using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>The shim's data-parallel replica support (native/replica.cpp): the group replicas meet in, the
/// batch norm they share statistics through, and the per-thread intra-op thread count.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial NativeStatus nt_replica_group_new(int parties, int turns, out nint group);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_replica_group_begin_turn(ReplicaGroupHandle group, int rank);
    [LibraryImport(Lib)] internal static partial void nt_replica_group_end_turn(ReplicaGroupHandle group, int rank);
    [LibraryImport(Lib)] internal static partial void nt_replica_group_free(nint group);
    [LibraryImport(Lib)] internal static partial void nt_replica_group_abort(ReplicaGroupHandle group);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_norm_batch_replicated(nint x, nint weight, nint bias, nint runningMean, nint runningVar, ReplicaGroupHandle group, int rank, double momentum, double eps, out nint result);
    [LibraryImport(Lib)] internal static partial NativeStatus nt_threads_set_this_thread(int n);
}
