using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

public sealed partial class Tensor
{
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape)
            return Result(nt_view_reshape(H, s, shape.Length, out var r), r, this);
    }

    public unsafe Tensor Permute(params long[] dims)
    {
        fixed (long* d = dims)
            return Result(nt_view_permute(H, d, dims.Length, out var r), r, this);
    }

    public Tensor Transpose(long dim0, long dim1) => Result(nt_view_transpose(H, dim0, dim1, out var r), r, this);

    /// <summary>Elements start..end-1 (step apart) along <paramref name="dim"/>; a view.</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) => Result(nt_view_slice(H, dim, start, end, step, out var r), r, this);

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, which is removed.</summary>
    public Tensor Select(long dim, long index) => Result(nt_view_select(H, dim, index, out var r), r, this);

    /// <summary>Gathers the entries of int64 <paramref name="index"/> along <paramref name="dim"/> (a copy).</summary>
    public Tensor IndexSelect(long dim, Tensor index) => Result(nt_view_index_select(H, dim, index.H, out var r), r, this, index);

    public Tensor Unsqueeze(long dim) => Result(nt_view_unsqueeze(H, dim, out var r), r, this);

    public Tensor Squeeze(long dim) => Result(nt_view_squeeze(H, dim, out var r), r, this);

    public Tensor Flatten(long startDim = 0, long endDim = -1) => Result(nt_view_flatten(H, startDim, endDim, out var r), r, this);

    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* s = shape)
            return Result(nt_view_expand(H, s, shape.Length, out var r), r, this);
    }

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: false);

    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: true);

    private static unsafe Tensor Join(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        var handles = new nint[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].H;
        NativeStatus status;
        nint r;
        fixed (nint* p = handles)
            status = stack ? nt_view_stack(p, handles.Length, dim, out r) : nt_view_cat(p, handles.Length, dim, out r);
        GC.KeepAlive(tensors);
        return Result(status, r);
    }
}
