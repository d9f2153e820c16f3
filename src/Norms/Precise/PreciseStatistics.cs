namespace Norms.Precise;

/// <summary>One batch's per-channel statistics of a batch norm's input: <see cref="Mean"/>, <see cref="Variance"/> (the
/// unbiased variance, divided by values − 1: what a train-mode batch norm writes into running_var at momentum 1) and
/// <see cref="Values"/>, the values a channel holds in the batch (images × H × W).</summary>
public sealed record BatchMoments(long Values, double[] Mean, double[] Variance);

/// <summary>
/// PreciseBN's aggregation (Wu and Johnson 2021, "Rethinking Batch in BatchNorm"; fvcore's precise_bn, its population
/// variance estimator): population statistics from many batches' statistics, in place of the exponential moving average
/// training keeps. running_mean = E_B[mean_B], running_var = E_B[var_B + mean_B²] − running_mean², the expectations over
/// batches weighted by their values (so a short last batch counts for what it holds; with equal batches the weights
/// are fvcore's equal ones). var_B here is the biased batch variance: the engine reports the unbiased one, as fvcore
/// reads it from running_var, and the Bessel factor (m − 1) / m is undone first, so that running_mean and running_var
/// are exactly the mean and the variance of all the values pooled, however small the batches (a mean of unbiased batch
/// variances would add var_B / m_B a batch). Pure.
/// </summary>
public static class PreciseStatistics
{
    /// <exception cref="ArgumentException">no batches, fewer than two values in a batch, or batches of different channel counts.</exception>
    public static (double[] Mean, double[] Variance) Aggregate(IReadOnlyList<BatchMoments> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("PreciseBN needs at least one batch", nameof(batches));
        var channels = batches[0].Mean.Length;
        var mean = new double[channels];
        var square = new double[channels]; // Σ m_B · (biased var_B + mean_B²): the second moment about zero, times the values
        double total = 0;
        foreach (var b in batches)
        {
            if (b.Values < 2) throw new ArgumentException($"a batch needs at least two values a channel, got {b.Values}", nameof(batches));
            if (b.Mean.Length != channels || b.Variance.Length != channels)
                throw new ArgumentException($"every batch needs {channels} channels", nameof(batches));
            var m = (double)b.Values;
            total += m;
            for (var c = 0; c < channels; c++)
            {
                mean[c] += m * b.Mean[c];
                square[c] += m * (b.Variance[c] * (m - 1) / m + b.Mean[c] * b.Mean[c]);
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
