using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>
/// Owns one at::Tensor* from the shim. Dispose is the mechanism; the finalizer is a safety net
/// that also counts what it had to free, so tests can prove nothing relied on it.
/// </summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long s_live;
    private static long s_finalized;

    public TensorHandle(nint pointer) : base(0, ownsHandle: true)
    {
        SetHandle(pointer);
        Interlocked.Increment(ref s_live);
    }

    public static long Live => Interlocked.Read(ref s_live);
    public static long Finalized => Interlocked.Read(ref s_finalized);

    public override bool IsInvalid => handle == 0;

    protected override void Dispose(bool disposing)
    {
        if (!disposing && !IsClosed) Interlocked.Increment(ref s_finalized);
        base.Dispose(disposing);
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.nt_tensor_free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
