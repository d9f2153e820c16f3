using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

public static partial class Functional
{
    /// <summary>
    /// Dropout(Relu(input), p, training) in one pass when <see cref="FusedKernels.Enabled"/> (float32/float64 on
    /// the CPU): the keep mask is Bernoulli(1 - p) from a counter-based hash of (seed, element index), the seed
    /// one 64-bit draw from libtorch's default CPU generator per call (so Torch.ManualSeed makes it
    /// deterministic, whatever the thread count), kept values scaled by 1/(1 - p). Its backward saves only the
    /// output. The masks differ from at::dropout's (another RNG), the distribution does not. Switched off, or
    /// on another device: the stock relu then dropout.
    /// </summary>
    public static Tensor ReluDropout(Tensor input, double p, bool training)
    {
        if (!FusedKernels.Enabled || input.Device.Type != DeviceType.Cpu || input.Dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            using var relu = Relu(input);
            return Dropout(relu, p, training);
        }
        return Result(nt_fused_relu_dropout(input.H, p, training, out var r), r, input);
    }

    /// <summary>The fused dropout's keep mask (1 keep, 0 drop; uint8) for <paramref name="numel"/> elements
    /// under <paramref name="seed"/>: for tests of its statistics.</summary>
    public static Tensor FusedDropoutMask(long numel, double p, ulong seed) =>
        Result(nt_fused_dropout_mask(numel, p, seed, out var r), r);
}
