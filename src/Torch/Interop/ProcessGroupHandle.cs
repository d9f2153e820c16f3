namespace Norms.Torch.Interop;

/// <summary>Owns one process group from the shim (nt_dist_group_tcp / nt_dist_group_file); it stays alive while a
/// collective that was passed it runs.</summary>
internal sealed class ProcessGroupHandle(nint pointer) : CountedHandle<ProcessGroupHandle>(pointer)
{
    protected override void Free(nint pointer) => NativeMethods.nt_dist_group_free(pointer);
}
