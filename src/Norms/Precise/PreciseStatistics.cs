namespace Norms.Precise;

/// <summary>One batch's per-channel statistics of a batch norm's input: <see cref="Mean"/> and <see cref="Variance"/>, the
/// unbiased variance (divided by values - 1, what a train-mode batch norm writes into running_var at momentum 1), and its
/// <see cref="Weight"/>, the images in the batch.</summary>
public sealed record BatchMoments(int Weight, double[] Mean, double[] Variance);

/// <summary>
/// PreciseBN's aggregation (fvcore's precise_bn, Wu and Johnson 2021, "Rethinking Batch in BatchNorm"): population
/// statistics from many batches' statistics, in place of the exponential moving average training keeps.
/// running_mean = E_B[mean_B], running_var = E_B[var_B + mean_B²] − running_mean², the expectation over batches.
/// var_B is the unbiased batch variance: fvcore reads it from running_var after momentum-1 updates, and the EMA it
/// replaces averages the same unbiased variances, so precise statistics are a like-for-like replacement. The
/// expectation weighs each batch by its images: with equal batches that is fvcore's equal weights per batch, and a
/// short last batch counts for what it holds (then running_mean is exactly the mean over all the images). Pure.
/// </summary>
public static class PreciseStatistics
{
    /// <exception cref="ArgumentException">no batches, a weight below 1, or batches of different channel counts.</exception>
    public static (double[] Mean, double[] Variance) Aggregate(IReadOnlyList<BatchMoments> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("PreciseBN needs at least one batch", nameof(batches));
        var channels = batches[0].Mean.Length;
        var mean = new double[channels];
        var square = new double[channels]; // E_B[var_B + mean_B²]: the second moment about zero
        double total = 0;
        foreach (var b in batches)
        {
            if (b.Weight < 1) throw new ArgumentException($"a batch's weight must be >= 1, got {b.Weight}", nameof(batches));
            if (b.Mean.Length != channels || b.Variance.Length != channels)
                throw new ArgumentException($"every batch needs {channels} channels", nameof(batches));
            total += b.Weight;
            for (var c = 0; c < channels; c++)
            {
                mean[c] += b.Weight * b.Mean[c];
                square[c] += b.Weight * (b.Variance[c] + b.Mean[c] * b.Mean[c]);
            }
        }
        var variance = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            mean[c] /= total;
            // Rounding can take E[x²] − E[x]² a hair below zero for a constant channel; a variance is never negative.
            variance[c] = Math.Max(0, square[c] / total - mean[c] * mean[c]);
        }
        return (mean, variance);
    }
}
