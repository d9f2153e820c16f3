using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>
/// A libtorch tensor. Each instance owns one native handle; dispose it, or create it inside a
/// <see cref="DisposeScope"/>. Every operation returns a new tensor owned by the caller (or by the
/// current scope) unless its name ends in "InPlace".
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;
    private long[]? _shape;
    private ScalarType? _dtype;

    private Tensor(nint pointer)
    {
        _handle = new TensorHandle(pointer);
        Scope = DisposeScope.Current;
        Scope?.Register(this);
    }

    internal DisposeScope? Scope { get; private set; }

    public bool IsDisposed => _handle.IsClosed;

    /// <summary>The raw handle for a native call; callers keep this tensor alive past the call.</summary>
    internal nint H => _handle.IsClosed ? throw new ObjectDisposedException(nameof(Tensor), "the tensor was disposed (by you or by its DisposeScope)") : _handle.DangerousGetHandle();

    internal static nint HandleOrNull(Tensor? t) => t is null ? 0 : t.H;

    /// <summary>Checks a status and wraps a new handle; the trailing arguments are kept alive until the call returned.</summary>
    internal static Tensor Result(NativeStatus status, nint result, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        Status.Check(status);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        return new Tensor(result);
    }

    internal static Tensor? ResultOrNull(NativeStatus status, nint result, Tensor? a = null)
    {
        Status.Check(status);
        GC.KeepAlive(a);
        return result == 0 ? null : new Tensor(result);
    }

    internal static void Done(NativeStatus status, Tensor? a = null, Tensor? b = null, Tensor? c = null)
    {
        Status.Check(status);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
    }

    public void Dispose()
    {
        _handle.Dispose();
        Scope = null;
    }

    /// <summary>Hands this tensor to the enclosing scope (or to the caller, if there is none).</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = Scope?.Parent;
        Scope = outer;
        outer?.Register(this);
        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller now disposes it (a parameter, a buffer, a kept result).</summary>
    public Tensor DetachFromScope()
    {
        Scope = null;
        return this;
    }

    public long[] Shape
    {
        get
        {
            if (_shape is null)
            {
                Status.Check(nt_tensor_ndim(H, out var n));
                var s = new long[n];
                unsafe
                {
                    fixed (long* p = s) Status.Check(nt_tensor_shape(H, p, n));
                }
                _shape = s;
            }
            return (long[])_shape.Clone();
        }
    }

    public int Dim => Shape.Length;

    public long Size(int dim) => Shape[dim < 0 ? dim + Dim : dim];

    public long Numel
    {
        get
        {
            Status.Check(nt_tensor_numel(H, out var n));
            return n;
        }
    }

    public ScalarType Dtype
    {
        get
        {
            if (_dtype is null)
            {
                Status.Check(nt_tensor_dtype(H, out var d));
                _dtype = (ScalarType)d;
            }
            return _dtype.Value;
        }
    }

    public Device Device
    {
        get
        {
            Status.Check(nt_tensor_device(H, out var type, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor({Dtype}, [{string.Join(", ", Shape)}], {Device})";
}
