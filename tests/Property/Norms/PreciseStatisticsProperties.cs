using FsCheck;
using FsCheck.Fluent;
using MathNet.Numerics.Statistics;
using Norms.Precise;
using Xunit;

namespace Norms.Property.Tests.Norms;

/// <summary>
/// PreciseBN's aggregation against MathNet on the raw values: from each batch's MathNet mean and unbiased variance, the
/// aggregate is MathNet's mean and population variance of all the values pooled, a form that shares no step with the
/// aggregation's own (no per-batch second moments, no Bessel factor).
/// </summary>
public sealed class PreciseStatisticsProperties
{
    // Values in [-10, 10], at most 40 a channel: double rounding stays near 1e-14; 1e-9 is far from any real mistake.
    private const double Tolerance = 1e-9;

    // Batches of 1-6 images, 2-4 values an image and channel (a batch norm's H×W), 1-3 channels, 1-5 batches.
    private static readonly Gen<(int Spatial, double[][][][] Batches)> Data =
        from channels in Gen.Choose(1, 3)
        from spatial in Gen.Choose(2, 4)
        from count in Gen.Choose(1, 5)
        from batches in (
            from images in Gen.Choose(1, 6)
            from values in Gen.Choose(-1000, 1000).Select(v => v / 100.0).ArrayOf(spatial).ArrayOf(channels).ArrayOf(images)
            select values).ArrayOf(count)
        select (spatial, batches);

    [Fact]
    public void Aggregate_matches_pooled_statistics_computed_by_MathNet() =>
        Prop.ForAll(Data.ToArbitrary(), data =>
        {
            var (_, batches) = data; // batches[b][image][channel][position]
            var channels = batches[0][0].Length;
            double[] ChannelValues(double[][][] batch, int c) => batch.SelectMany(image => image[c]).ToArray();
            var moments = batches.Select(b => new BatchMoments(ChannelValues(b, 0).Length,
                Enumerable.Range(0, channels).Select(c => ChannelValues(b, c).Mean()).ToArray(),
                Enumerable.Range(0, channels).Select(c => ChannelValues(b, c).Variance()).ToArray())).ToArray();
            var (mean, variance) = PreciseStatistics.Aggregate(moments);
            for (var c = 0; c < channels; c++)
            {
                var pooled = batches.SelectMany(b => ChannelValues(b, c)).ToArray();
                Approx.AllClose([pooled.Mean(), pooled.PopulationVariance()], [mean[c], variance[c]], Tolerance, Tolerance,
                    $"channel {c} of {batches.Length} batches");
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Equal_batches_get_equal_weights_and_the_Bessel_factor_is_undone()
    {
        // Two batches of 4 values: the plain mean over batches of the means, and of var·3/4 + mean².
        var (mean, variance) = PreciseStatistics.Aggregate([new BatchMoments(4, [1.0], [2.0]), new BatchMoments(4, [3.0], [4.0])]);
        Assert.Equal(2.0, mean[0], 12);
        Assert.Equal((2.0 * 0.75 + 1.0 + 4.0 * 0.75 + 9.0) / 2 - 4.0, variance[0], 12);
        // A batch of 6 values and one of 2: weights 3/4 and 1/4.
        (mean, _) = PreciseStatistics.Aggregate([new BatchMoments(6, [1.0], [1.0]), new BatchMoments(2, [5.0], [1.0])]);
        Assert.Equal(2.0, mean[0], 12);
    }

    [Fact]
    public void One_batch_gives_its_own_statistics_and_nothing_is_refused_silently()
    {
        var (mean, variance) = PreciseStatistics.Aggregate([new BatchMoments(3, [0.5, -2.0], [1.5, 0.0])]);
        Assert.Equal([0.5, -2.0], mean);
        Assert.Equal(1.0, variance[0], 12); // 1.5 unbiased over 3 values: 1.0 biased
        Assert.Equal(0.0, variance[1]); // never a rounding hair below zero
        Assert.Throws<ArgumentException>(() => PreciseStatistics.Aggregate([]));
        Assert.Throws<ArgumentException>(() => PreciseStatistics.Aggregate([new BatchMoments(1, [1.0], [1.0])]));
        Assert.Throws<ArgumentException>(() => PreciseStatistics.Aggregate([new BatchMoments(2, [1.0], [1.0]), new BatchMoments(2, [1.0, 2.0], [1.0, 1.0])]));
    }
}
