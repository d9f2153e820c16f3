namespace Norms.Reference;

/// <summary>
/// A normalization's output with the statistics of each pooled group, flattened in group order:
/// BatchNorm — one per channel; GroupNorm — n·G + g; LayerNorm — one per sample.
/// <see cref="Var"/> is biased (used to normalize); <see cref="UnbiasedVar"/> is what running
/// statistics record (NaN for a group of one value).
/// </summary>
public sealed record NormForward(Nchw Output, double[] Mean, double[] Var, double[] UnbiasedVar, int GroupsPerSample)
{
    /// <summary>Statistic <paramref name="stat"/> as [sample][group] (only for per-sample norms).</summary>
    public double[][] PerSample(double[] stat) =>
        [.. Enumerable.Range(0, stat.Length / GroupsPerSample).Select(n => stat.AsSpan(n * GroupsPerSample, GroupsPerSample).ToArray())];
}

/// <summary>Gradients of a loss with respect to a norm's input and affine parameters, given the
/// gradient with respect to its output.</summary>
public sealed record NormGradients(Nchw Input, double[] Gamma, double[] Beta);

/// <summary>BatchNorm / InstanceNorm running statistics: PyTorch's running_mean, running_var and
/// num_batches_tracked buffers. <see cref="Initial"/> is PyTorch's reset (0, 1, 0).</summary>
public sealed record RunningStats(double[] Mean, double[] Var, long NumBatchesTracked)
{
    public static RunningStats Initial(int channels) =>
        new(new double[channels], Enumerable.Repeat(1.0, channels).ToArray(), 0);
}

/// <summary>Ghost BatchNorm's training output and each ghost group's own BatchNorm result (its statistics), in order.</summary>
public sealed record GhostNormForward(Nchw Output, NormForward[] Groups);
