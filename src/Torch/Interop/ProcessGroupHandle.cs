using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// Owns one process group from the shim (nt_dist_group_tcp / nt_dist_group_file). As a SafeHandle it stays alive
/// while a collective that was passed it runs, so disposing the group frees it only once that call has returned.
/// Counts the groups alive, so tests can see each one freed.
/// </summary>
internal sealed class ProcessGroupHandle : SafeHandle
{
    private static long s_live;

    public ProcessGroupHandle(nint pointer) : base(0, ownsHandle: true)
    {
        SetHandle(pointer);
        Interlocked.Increment(ref s_live);
    }

    public static long Live => Interlocked.Read(ref s_live);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.nt_dist_group_free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
