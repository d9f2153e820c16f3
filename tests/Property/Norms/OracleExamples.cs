using Norms.Reference;
using Xunit;

namespace Norms.Property.Tests.Norms;

/// <summary>Hand-computed cases that pin the conventions a property could share with a slip.</summary>
public sealed class OracleExamples
{
    // One channel, values 1, 2, 3, 4 (N = 4): mean 2.5, biased variance 1.25, unbiased 5/3.
    private static readonly Nchw Four = new(4, 1, 1, 1, [1, 2, 3, 4]);

    [Fact]
    public void BatchNorm_normalizes_with_the_biased_variance_and_eps_inside_the_sqrt()
    {
        var y = ReferenceNorms.BatchNormTrain(Four, null, null, eps: 0.75).Output.Data;
        // sqrt(1.25 + 0.75) = sqrt(2)
        Approx.AllClose([-1.5 / Math.Sqrt(2), -0.5 / Math.Sqrt(2), 0.5 / Math.Sqrt(2), 1.5 / Math.Sqrt(2)], y, 1e-15, 0, "y");
    }

    [Fact]
    public void Running_stats_weigh_the_new_batch_by_momentum_and_record_the_unbiased_variance()
    {
        var batch = ReferenceNorms.BatchNormTrain(Four, null, null, 1e-5);
        var s = ReferenceNorms.UpdateRunningStats(RunningStats.Initial(1), batch, momentum: 0.1);
        Assert.Equal(0.9 * 0 + 0.1 * 2.5, s.Mean[0], 1e-15);           // Keras's way would give 2.25
        Assert.Equal(0.9 * 1 + 0.1 * (5.0 / 3.0), s.Var[0], 1e-15);     // biased would give 1.025
        Assert.Equal(1, s.NumBatchesTracked);
    }

    [Fact]
    public void Momentum_null_is_the_cumulative_average_of_the_batches()
    {
        var first = ReferenceNorms.BatchNormTrain(Four, null, null, 1e-5);
        var second = ReferenceNorms.BatchNormTrain(new Nchw(4, 1, 1, 1, [10, 10, 12, 12]), null, null, 1e-5);
        var s = ReferenceNorms.UpdateRunningStats(RunningStats.Initial(1), first, null);
        s = ReferenceNorms.UpdateRunningStats(s, second, null);
        Assert.Equal((2.5 + 11) / 2, s.Mean[0], 1e-15);
        Assert.Equal((5.0 / 3.0 + 4.0 / 3.0) / 2, s.Var[0], 1e-15);
        Assert.Equal(2, s.NumBatchesTracked);
    }

    [Fact]
    public void InstanceNorm_running_stats_average_the_per_instance_statistics_over_the_batch()
    {
        // Two samples, one channel, 2 spatial values each: means 1 and 5, unbiased variances 2 and 8.
        var x = new Nchw(2, 1, 1, 2, [0, 2, 3, 7]);
        var s = ReferenceNorms.UpdateInstanceRunningStats(RunningStats.Initial(1), ReferenceNorms.InstanceNorm(x, null, null, 1e-5), 0.2);
        Assert.Equal(0.2 * 3, s.Mean[0], 1e-15);
        Assert.Equal(0.8 + 0.2 * 5, s.Var[0], 1e-15);
    }
}
