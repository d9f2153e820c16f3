using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

/// <summary>How a loss reduces over the batch (at::Reduction codes).</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

/// <summary>torch.nn.functional: stateless layers. Every result is a new tensor.</summary>
public static unsafe partial class Functional
{
    private static Tensor Result(NativeStatus status, nint r, Tensor? a = null, Tensor? b = null, Tensor? c = null) => Tensor.Result(status, r, a, b, c);

    private static nint H(Tensor? t) => Tensor.HandleOrNull(t);

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null,
        (long, long)? padding = null, (long, long)? dilation = null, long groups = 1)
    {
        var (s0, s1) = stride ?? (1, 1);
        var (p0, p1) = padding ?? (0, 0);
        var (d0, d1) = dilation ?? (1, 1);
        long* s = stackalloc long[] { s0, s1 };
        long* p = stackalloc long[] { p0, p1 };
        long* d = stackalloc long[] { d0, d1 };
        return Result(nt_nn_conv2d(input.H, weight.H, H(bias), s, p, d, groups, out var r), r, input, weight, bias);
    }

    /// <summary>Max pooling; the stride defaults to the kernel size, as in PyTorch.</summary>
    public static Tensor MaxPool2d(Tensor input, (long, long) kernel, (long, long)? stride = null,
        (long, long)? padding = null, (long, long)? dilation = null, bool ceilMode = false)
    {
        var (s0, s1) = stride ?? kernel;
        var (p0, p1) = padding ?? (0, 0);
        var (d0, d1) = dilation ?? (1, 1);
        long* k = stackalloc long[] { kernel.Item1, kernel.Item2 };
        long* s = stackalloc long[] { s0, s1 };
        long* p = stackalloc long[] { p0, p1 };
        long* d = stackalloc long[] { d0, d1 };
        return Result(nt_nn_max_pool2d(input.H, k, s, p, d, ceilMode, out var r), r, input);
    }

    public static Tensor AvgPool2d(Tensor input, (long, long) kernel, (long, long)? stride = null,
        (long, long)? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        var (s0, s1) = stride ?? kernel;
        var (p0, p1) = padding ?? (0, 0);
        long* k = stackalloc long[] { kernel.Item1, kernel.Item2 };
        long* s = stackalloc long[] { s0, s1 };
        long* p = stackalloc long[] { p0, p1 };
        return Result(nt_nn_avg_pool2d(input.H, k, s, p, ceilMode, countIncludePad, out var r), r, input);
    }

    public static Tensor AdaptiveAvgPool2d(Tensor input, (long, long) outputSize)
    {
        long* o = stackalloc long[] { outputSize.Item1, outputSize.Item2 };
        return Result(nt_nn_adaptive_avg_pool2d(input.H, o, out var r), r, input);
    }

    public static Tensor Relu(Tensor input) => Result(nt_nn_relu(input.H, out var r), r, input);

    /// <summary>Zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1-p), in training only.</summary>
    public static Tensor Dropout(Tensor input, double p, bool training) => Result(nt_nn_dropout(input.H, p, training, out var r), r, input);

    public static Tensor LogSoftmax(Tensor input, long dim) => Result(nt_nn_log_softmax(input.H, dim, out var r), r, input);

    public static Tensor Softmax(Tensor input, long dim) => Result(nt_nn_softmax(input.H, dim, out var r), r, input);

    /// <summary>Negative log-likelihood of int64 class <paramref name="target"/> under <paramref name="logProbs"/> (N, C).</summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null, long ignoreIndex = -100) =>
        Result(nt_nn_nll_loss(logProbs.H, target.H, H(weight), (int)reduction, ignoreIndex, out var r), r, logProbs, target, weight);

    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null,
        long ignoreIndex = -100, double labelSmoothing = 0) =>
        Result(nt_nn_cross_entropy(logits.H, target.H, H(weight), (int)reduction, ignoreIndex, labelSmoothing, out var r), r, logits, target, weight);

    /// <summary>
    /// at::batch_norm. In training it normalizes with the batch statistics and, when running
    /// tensors are given, updates them in place: running = (1 - momentum)·running + momentum·batch,
    /// with the unbiased variance. In evaluation it normalizes with the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool training, double momentum = 0.1, double eps = 1e-5)
    {
        var status = nt_norm_batch(input.H, H(weight), H(bias), H(runningMean), H(runningVar), training, momentum, eps, out var r);
        GC.KeepAlive(runningMean);
        GC.KeepAlive(runningVar);
        return Result(status, r, input, weight, bias);
    }

    /// <summary>
    /// Batch norm in training mode over a batch split between the replicas of <paramref name="group"/>: each replica
    /// passes its share (<paramref name="rank"/> says which) and all normalize with the statistics of the whole
    /// batch, as <see cref="BatchNorm"/> on the unsplit batch would (combined in float64, in rank order, so every
    /// replica gets the same numbers). Backward shares sum(dy) and sum(dy·(x − mean)) the same way. Running
    /// statistics, when given, are updated with the whole batch's unbiased variance: give them on one replica only.
    /// Every replica must call it the same number of times, in the same order, or the others wait (until
    /// <see cref="ReplicaGroup.Abort"/>).
    /// </summary>
    public static Tensor BatchNormReplicated(Tensor input, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        ReplicaGroup group, int rank, double momentum = 0.1, double eps = 1e-5)
    {
        var status = nt_norm_batch_replicated(input.H, H(weight), H(bias), H(runningMean), H(runningVar), group.Handle, rank, momentum, eps, out var r);
        GC.KeepAlive(runningMean);
        GC.KeepAlive(runningVar);
        return Result(status, r, input, weight, bias);
    }

    /// <summary>at::group_norm: statistics per sample over each group of C/groups channels; affine per channel.</summary>
    public static Tensor GroupNorm(Tensor input, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Result(nt_norm_group(input.H, groups, H(weight), H(bias), eps, out var r), r, input, weight, bias);

    /// <summary>at::layer_norm over the trailing <paramref name="normalizedShape"/>; affine per element.</summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* s = normalizedShape)
            return Result(nt_norm_layer(input.H, s, normalizedShape.Length, H(weight), H(bias), eps, out var r), r, input, weight, bias);
    }

    /// <summary>at::instance_norm: statistics per sample and channel.</summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? weight = null, Tensor? bias = null, Tensor? runningMean = null,
        Tensor? runningVar = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        var status = nt_norm_instance(input.H, H(weight), H(bias), H(runningMean), H(runningVar), useInputStats, momentum, eps, out var r);
        GC.KeepAlive(runningMean);
        GC.KeepAlive(runningVar);
        return Result(status, r, input, weight, bias);
    }
}
