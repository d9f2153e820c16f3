using MathNet.Numerics.Statistics;

namespace Norms.Reference;

/// <summary>
/// The reference oracle: every normalization in double precision with MathNet.Numerics, written
/// from PyTorch's documented semantics and independent of libtorch. The semantics, once:
/// <list type="number">
/// <item>Pooling. BatchNorm pools each channel over (N, H, W); GroupNorm(G) pools each sample's
///   G groups of C/G consecutive channels over (C/G, H, W); the seeds' LN = GroupNorm(1) and
///   InstanceNorm = GroupNorm(C) are special cases; nn.LayerNorm((C, H, W)) pools each sample
///   (torch.nn.functional.batch_norm / group_norm / layer_norm / instance_norm).</item>
/// <item>Normalize: x̂ = (x − mean) / sqrt(var + eps) with the BIASED variance (divide by m) and
///   eps INSIDE the square root (ATen Normalization.cpp: invstd = 1 / sqrt(var + eps);
///   group_norm / layer_norm kernels: rstd = 1 / sqrt(var + eps)).</item>
/// <item>Affine: y = γ·x̂ + β; γ, β per channel for Batch/Group/Instance norm, per element of
///   (C, H, W) for nn.LayerNorm; no affine means γ = 1, β = 0 (nn modules' reset_parameters:
///   weight = 1, bias = 0).</item>
/// <item>Training BatchNorm: normalize with the batch's statistics; then
///   num_batches_tracked += 1 and running ← (1 − f)·running + f·batch with f = momentum (the weight
///   of the NEW batch), or f = 1 / num_batches_tracked when momentum is None (cumulative average)
///   (_BatchNorm.forward, exponential_average_factor). running_var receives the UNBIASED
///   variance, m/(m − 1)·var (batch_norm_cpu_update_stats_template).</item>
/// <item>Eval BatchNorm with tracked statistics normalizes with running_mean / running_var and
///   updates nothing; with track_running_stats=False it always uses batch statistics
///   (_BatchNorm.forward: bn_training = training or running stats are None).</item>
/// <item>InstanceNorm tracking statistics updates them with the batch mean of the per-instance mean
///   and unbiased variance (at::instance_norm averages the repeated running stats over N).</item>
/// <item>Impossible configurations throw <see cref="NormConfigurationException"/> before computing:
///   BatchNorm training with N·H·W = 1 (F.batch_norm: "Expected more than 1 value per channel when
///   training"); groups not dividing C (nn.GroupNorm: "num_channels must be divisible by
///   num_groups"); InstanceNorm on input statistics with H·W = 1 (F.instance_norm: "Expected more
///   than 1 spatial element when training").</item>
/// <item>Backward, with g = ∂L/∂y·γ, over each pooled group of m values:
///   ∂L/∂x = (g − mean(g) − x̂·mean(g·x̂)) / sqrt(var + eps); ∂L/∂γ = Σ ∂L/∂y·x̂; ∂L/∂β = Σ ∂L/∂y
///   (the derivative of item 2, as ATen's batch_norm_backward / native_group_norm_backward /
///   layer_norm_backward). Eval BatchNorm's statistics are constants: ∂L/∂x = g / sqrt(running_var + eps).</item>
/// <item>Ghost BatchNorm with k (Hoffer et al. 2017; PyTorch has no such layer: it is BatchNorm2d called on each
///   group in turn): a batch of n samples splits into groups of k consecutive samples; a remainder of at least 2 is a
///   smaller last group, a remainder of 1 joins the group before (k + 1 samples); n ≤ k is one group, plain
///   BatchNorm. Training: item 4 on each group (its own statistics; output = the groups' outputs in order) and, per
///   group in order, num_batches_tracked += 1 and one running update with that group's mean and unbiased variance
///   (f = 1 / num_batches_tracked counts groups). Backward: item 8 within each group. Eval with tracked statistics is
///   item 5; without tracking, each group's statistics. (The partition is written here again, independently of the
///   engine's GhostBatches, so that the oracle catches a fault there.)</item>
/// </list>
/// </summary>
public static partial class ReferenceNorms
{
    // ---- forward ----

    /// <summary>BatchNorm with batch statistics (training, or track_running_stats=False).</summary>
    public static NormForward BatchNormTrain(Nchw x, double[]? gamma, double[]? beta, double eps)
    {
        NormConfigurationException.ThrowIfSingleValuePerChannel(x.N, x.H, x.W);
        return Normalize(x, Pooling.PerChannel(x), gamma, beta, eps, groupsPerSample: x.C);
    }

    /// <summary>BatchNorm in eval mode with tracked statistics.</summary>
    public static Nchw BatchNormEval(Nchw x, double[] runningMean, double[] runningVar, double[]? gamma, double[]? beta, double eps)
    {
        var y = new double[x.Count];
        var pooling = Pooling.PerChannel(x);
        for (var i = 0; i < y.Length; i++)
        {
            var c = pooling.ParamIndex[i];
            var xhat = (x.Data[i] - runningMean[c]) / Math.Sqrt(runningVar[c] + eps);
            y[i] = Affine(xhat, c, gamma, beta);
        }
        return x.With(y);
    }

    /// <summary>GroupNorm(<paramref name="groups"/>, C) with per-channel affine.</summary>
    public static NormForward GroupNorm(Nchw x, int groups, double[]? gamma, double[]? beta, double eps)
    {
        NormConfigurationException.ThrowIfGroupsDoNotDivide(groups, x.C);
        return Normalize(x, Pooling.PerSampleGroup(x, groups), gamma, beta, eps, groupsPerSample: groups);
    }

    /// <summary>The seeds' "LN": GroupNorm(1, C), per-channel affine.</summary>
    public static NormForward GroupLayerNorm(Nchw x, double[]? gamma, double[]? beta, double eps) =>
        GroupNorm(x, 1, gamma, beta, eps);

    /// <summary>InstanceNorm on input statistics: GroupNorm(C, C), per-channel affine.</summary>
    public static NormForward InstanceNorm(Nchw x, double[]? gamma, double[]? beta, double eps)
    {
        NormConfigurationException.ThrowIfSingleSpatialElement(x.H, x.W);
        return GroupNorm(x, x.C, gamma, beta, eps);
    }

    /// <summary>nn.LayerNorm((C, H, W)) with per-element affine (γ, β of length C·H·W).</summary>
    public static NormForward LayerNorm(Nchw x, double[]? gamma, double[]? beta, double eps) =>
        Normalize(x, Pooling.PerSampleElementwise(x), gamma, beta, eps, groupsPerSample: 1);

    // ---- running statistics ----

    /// <summary>BatchNorm's running-statistics update after one training step on a batch with
    /// statistics <paramref name="batch"/> (from <see cref="BatchNormTrain"/>).</summary>
    public static RunningStats UpdateRunningStats(RunningStats state, NormForward batch, double? momentum) =>
        Blend(state, batch.Mean, batch.UnbiasedVar, momentum);

    /// <summary>InstanceNorm's running-statistics update (track_running_stats=True): the batch mean of
    /// the per-instance statistics of <paramref name="batch"/> (from <see cref="InstanceNorm"/>).</summary>
    public static RunningStats UpdateInstanceRunningStats(RunningStats state, NormForward batch, double momentum)
    {
        var channels = batch.GroupsPerSample;
        var samples = batch.Mean.Length / channels;
        double[] Average(double[] stat) =>
            [.. Enumerable.Range(0, channels).Select(c => Enumerable.Range(0, samples).Select(n => stat[n * channels + c]).Mean())];
        return Blend(state, Average(batch.Mean), Average(batch.UnbiasedVar), momentum);
    }

    private static RunningStats Blend(RunningStats state, double[] mean, double[] unbiasedVar, double? momentum)
    {
        var tracked = state.NumBatchesTracked + 1;
        var f = momentum ?? 1.0 / tracked;
        return new(
            [.. state.Mean.Select((old, c) => (1 - f) * old + f * mean[c])],
            [.. state.Var.Select((old, c) => (1 - f) * old + f * unbiasedVar[c])],
            tracked);
    }

    // ---- backward ----

    /// <summary>Gradients of BatchNorm with batch statistics.</summary>
    public static NormGradients BatchNormTrainBackward(Nchw x, double[]? gamma, double eps, Nchw upstream)
    {
        NormConfigurationException.ThrowIfSingleValuePerChannel(x.N, x.H, x.W);
        return Backward(x, Pooling.PerChannel(x), gamma, eps, upstream);
    }

    /// <summary>Gradients of BatchNorm in eval mode (running statistics are constants).</summary>
    public static NormGradients BatchNormEvalBackward(Nchw x, double[] runningMean, double[] runningVar, double[]? gamma, double eps, Nchw upstream)
    {
        var pooling = Pooling.PerChannel(x);
        var dx = new double[x.Count];
        var dgamma = new double[x.C];
        var dbeta = new double[x.C];
        for (var i = 0; i < dx.Length; i++)
        {
            var c = pooling.ParamIndex[i];
            var invStd = 1 / Math.Sqrt(runningVar[c] + eps);
            dx[i] = upstream.Data[i] * (gamma?[c] ?? 1) * invStd;
            dgamma[c] += upstream.Data[i] * (x.Data[i] - runningMean[c]) * invStd;
            dbeta[c] += upstream.Data[i];
        }
        return new(x.With(dx), dgamma, dbeta);
    }

    /// <summary>Gradients of GroupNorm (and so of the seeds' LN and of InstanceNorm).</summary>
    public static NormGradients GroupNormBackward(Nchw x, int groups, double[]? gamma, double eps, Nchw upstream)
    {
        NormConfigurationException.ThrowIfGroupsDoNotDivide(groups, x.C);
        return Backward(x, Pooling.PerSampleGroup(x, groups), gamma, eps, upstream);
    }

    /// <summary>Gradients of nn.LayerNorm((C, H, W)) with per-element affine.</summary>
    public static NormGradients LayerNormBackward(Nchw x, double[]? gamma, double eps, Nchw upstream) =>
        Backward(x, Pooling.PerSampleElementwise(x), gamma, eps, upstream);

    // ---- the one computation ----

    private static NormForward Normalize(Nchw x, Pooling pooling, double[]? gamma, double[]? beta, double eps, int groupsPerSample)
    {
        CheckAffine(gamma, beta, pooling);
        var y = new double[x.Count];
        var count = pooling.Groups.Length;
        var (mean, variance, unbiased) = (new double[count], new double[count], new double[count]);
        for (var k = 0; k < count; k++)
        {
            var values = pooling.Groups[k].Select(i => x.Data[i]).ToArray();
            mean[k] = values.Mean();
            variance[k] = values.PopulationVariance();                      // biased: normalizes
            unbiased[k] = values.Length > 1 ? values.Variance() : double.NaN; // unbiased: running_var
            var invStd = 1 / Math.Sqrt(variance[k] + eps);
            foreach (var i in pooling.Groups[k])
                y[i] = Affine((x.Data[i] - mean[k]) * invStd, pooling.ParamIndex[i], gamma, beta);
        }
        return new(x.With(y), mean, variance, unbiased, groupsPerSample);
    }

    private static NormGradients Backward(Nchw x, Pooling pooling, double[]? gamma, double eps, Nchw upstream)
    {
        CheckAffine(gamma, null, pooling);
        if (upstream.Count != x.Count)
            throw new ArgumentException($"upstream gradient has {upstream.Count} values, input has {x.Count}");
        var dx = new double[x.Count];
        var dgamma = new double[pooling.ParamCount];
        var dbeta = new double[pooling.ParamCount];
        foreach (var group in pooling.Groups)
        {
            var values = group.Select(i => x.Data[i]).ToArray();
            var mean = values.Mean();
            var invStd = 1 / Math.Sqrt(values.PopulationVariance() + eps);
            var xhat = values.Select(v => (v - mean) * invStd).ToArray();
            var g = group.Select(i => upstream.Data[i] * (gamma?[pooling.ParamIndex[i]] ?? 1)).ToArray();
            var meanG = g.Mean();
            var meanGXhat = g.Zip(xhat, (a, b) => a * b).Mean();
            for (var j = 0; j < group.Length; j++)
            {
                var i = group[j];
                dx[i] = (g[j] - meanG - xhat[j] * meanGXhat) * invStd;
                dgamma[pooling.ParamIndex[i]] += upstream.Data[i] * xhat[j];
                dbeta[pooling.ParamIndex[i]] += upstream.Data[i];
            }
        }
        return new(x.With(dx), dgamma, dbeta);
    }

    private static double Affine(double xhat, int p, double[]? gamma, double[]? beta) =>
        xhat * (gamma?[p] ?? 1) + (beta?[p] ?? 0);

    private static void CheckAffine(double[]? gamma, double[]? beta, Pooling pooling)
    {
        if (gamma is not null && gamma.Length != pooling.ParamCount)
            throw new ArgumentException($"gamma has {gamma.Length} values, the norm needs {pooling.ParamCount}");
        if (beta is not null && beta.Length != pooling.ParamCount)
            throw new ArgumentException($"beta has {beta.Length} values, the norm needs {pooling.ParamCount}");
    }
}
