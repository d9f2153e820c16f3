using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// Owns one replica group from the shim (nt_replica_group_new). As a SafeHandle it stays alive while a call
/// that was passed it runs (a replica waiting in a batch norm, an abort from another thread), so disposing
/// the group then frees it only once that call has returned. (The backward of a replicated batch norm reaches the
/// group through the autograd graph, not through this handle: the group must outlive it, as ever.) Counts the
/// groups alive, so tests can see each one freed.
/// </summary>
internal sealed class ReplicaGroupHandle : SafeHandle
{
    private static long s_live;

    public ReplicaGroupHandle(nint pointer) : base(0, ownsHandle: true)
    {
        SetHandle(pointer);
        Interlocked.Increment(ref s_live);
    }

    public static long Live => Interlocked.Read(ref s_live);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.nt_replica_group_free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
