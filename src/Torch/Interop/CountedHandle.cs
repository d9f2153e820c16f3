using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// A SafeHandle that owns one object of the shim and counts, per handle type (<typeparamref name="TSelf"/>), how many are
/// alive, so tests can see each one freed. As a SafeHandle it stays alive while a call that was passed it runs, so
/// disposing it then frees the object only once that call has returned.
/// </summary>
internal abstract class CountedHandle<TSelf> : SafeHandle where TSelf : CountedHandle<TSelf>
{
    // One counter per closed type: the replica groups' count is not the process groups'.
    private static long s_live;

    protected CountedHandle(nint pointer) : base(0, ownsHandle: true)
    {
        SetHandle(pointer);
        Interlocked.Increment(ref s_live);
    }

    public static long Live => Interlocked.Read(ref s_live);

    public override bool IsInvalid => handle == 0;

    /// <summary>The shim's free function for this kind of object.</summary>
    protected abstract void Free(nint pointer);

    protected sealed override bool ReleaseHandle()
    {
        Free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
