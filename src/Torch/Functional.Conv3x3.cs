using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

public static partial class Functional
{
    /// <summary>
    /// A 3x3 convolution at stride 1 without bias, by the shim's direct AVX2 kernels (forward and both gradients) where
    /// they apply: float32 input on the CPU stored channels-last, at most 32 channels in and out, padding 0 or 1, a CPU
    /// with AVX2 and FMA, and at most <paramref name="macLimit"/> multiply-adds (null: the shim's measured limit,
    /// about 2 M, beyond which oneDNN is the faster; tests pass long.MaxValue). Anywhere else it is <see cref="Conv2d"/>. Same arithmetic as libtorch's up to the order of the
    /// sums (last bits); results do not depend on the thread count. <paramref name="direct"/> says which one ran.
    /// </summary>
    public static Tensor Conv3x3(Tensor input, Tensor weight, long padding, out bool direct, long? macLimit = null)
    {
        var status = nt_nn_conv3x3(input.H, weight.H, padding, macLimit ?? -1, out direct, out var r);
        return Result(status, r, input, weight);
    }
}
