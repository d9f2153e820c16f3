namespace Norms.Torch.Interop;

/// <summary>
/// Owns one replica group from the shim (nt_replica_group_new); it stays alive while a call that was passed it runs (a
/// replica waiting in a batch norm, an abort from another thread). (The backward of a replicated batch norm reaches the
/// group through the autograd graph, not through this handle: the group must outlive it, as ever.)
/// </summary>
internal sealed class ReplicaGroupHandle(nint pointer) : CountedHandle<ReplicaGroupHandle>(pointer)
{
    protected override void Free(nint pointer) => NativeMethods.nt_replica_group_free(pointer);
}
