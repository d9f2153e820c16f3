using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>How a 4-d tensor's elements lie in memory (c10::MemoryFormat). Shapes stay [N, C, H, W] either way.</summary>
public enum MemoryFormat
{
    /// <summary>Row-major NCHW.</summary>
    Contiguous = 0,

    /// <summary>NHWC strides: what oneDNN's CPU convolutions run on without reordering.</summary>
    ChannelsLast = 1,
}

public sealed partial class Tensor
{
    /// <summary>This tensor laid out in <paramref name="format"/> (itself, as a new handle, when it already is).</summary>
    public Tensor Contiguous(MemoryFormat format) => Result(nt_layout_contiguous(H, (int)format, out var r), r, this);

    public bool IsContiguous(MemoryFormat format)
    {
        Done(nt_layout_is_contiguous(H, (int)format, out var v), this);
        return v;
    }
}
