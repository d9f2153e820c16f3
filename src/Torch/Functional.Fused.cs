using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>
/// Where a batch's samples sit in a run's random streams: <see cref="Stream"/> names the stream (a run, an epoch,
/// a layer) and <see cref="FirstSample"/> is the position of the tensor's first sample (dim 0) in it. Dropout's
/// masks are a pure function of these and of each element's logical index, never of a shared generator.
/// </summary>
public readonly record struct DropoutKey(ulong Stream, long FirstSample)
{
    /// <summary>The same stream, <paramref name="samples"/> further on: the key of a slice starting there.</summary>
    public DropoutKey Skip(long samples) => this with { FirstSample = FirstSample + samples };
}

public static partial class Functional
{
    /// <summary>
    /// Dropout(Relu(input), p, training) with a counter-based mask: element j (its logical C·H·W index, whatever the
    /// memory layout) of sample n (dim 0) is kept with probability 1 - p by a hash of (key.Stream,
    /// key.FirstSample + n, j), and kept values are scaled by 1/(1 - p). So a batch split at any sample, in either
    /// layout, at any thread count, gets the same mask. NaN propagates, as the stock relu and dropout let it.
    /// With <paramref name="fused"/> (<see cref="EngineOptions.FusedKernels"/>; float32/float64 on the CPU) one pass
    /// whose backward saves only the output; otherwise the stock relu times the same mask (<see cref="DropoutMask"/>),
    /// so both paths drop the same elements.
    /// </summary>
    public static Tensor ReluDropout(Tensor input, double p, bool training, DropoutKey key, bool fused = true)
    {
        if (fused && input.Device.Type == DeviceType.Cpu && input.Dtype is ScalarType.Float32 or ScalarType.Float64)
            return Result(nt_fused_relu_dropout(input.H, p, training, key.Stream, key.FirstSample, out var r), r, input);
        if (!training || p == 0) return Relu(input);
        using var relu = Relu(input);
        using var mask = DropoutMask(input.Shape, p, key, input.Dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32);
        if (input.Device == Device.Cpu) return relu * mask;
        using var onDevice = mask.To(input.Device);
        return relu * onDevice;
    }

    /// <summary>The dropout mask <see cref="ReluDropout"/> applies to a tensor of <paramref name="shape"/> (dim 0 =
    /// samples), channels-first on the CPU: 1/(1 - p) where an element is kept, 0 where it is dropped.</summary>
    public static unsafe Tensor DropoutMask(ReadOnlySpan<long> shape, double p, DropoutKey key, ScalarType dtype = ScalarType.Float32)
    {
        fixed (long* s = shape)
            return Result(nt_dropout_mask(s, shape.Length, p, key.Stream, key.FirstSample, (int)dtype, out var r), r);
    }
}
