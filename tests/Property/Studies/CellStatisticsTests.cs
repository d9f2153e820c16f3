using FsCheck;
using FsCheck.Fluent;
using Norms.Property.Tests.Generators;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

public sealed class CellStatisticsTests
{
    private static bool Close(double expected, double actual, double tolerance) => Math.Abs(expected - actual) <= tolerance;

    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Samples) }, MaxTest = 200)]
    public void The_interval_contains_the_mean_and_is_symmetric_about_it(Sample s)
    {
        var summary = CellStatistics.Summarize(s.Values);
        var (mean, ci) = (summary.Mean!.Value, summary.Ci95!);
        Assert.True(ci.Contains(mean), $"{ci} does not contain {mean:R}");
        Assert.True(Close(mean - ci.Lower, ci.Upper - mean, 1e-12 * (1 + Math.Abs(mean))), $"{ci} is not symmetric about {mean:R}");
        // No spread, no width; some spread, some width.
        Assert.Equal(summary.Sd == 0, ci.Width == 0);
    }

    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Samples) }, MaxTest = 200)]
    public void Shifting_every_value_shifts_mean_and_interval_and_leaves_sd(Sample s)
    {
        foreach (var shift in new[] { 0.5, -37.25, 1000.0 })
        {
            var before = CellStatistics.Summarize(s.Values);
            var after = CellStatistics.Summarize([.. s.Values.Select(v => v + shift)]);
            // v + shift rounds each value by up to half an ulp of the shifted magnitude; the tolerance allows that.
            var tol = 1e-12 * (Math.Abs(shift) + s.Values.Max(Math.Abs) + 1);
            Assert.True(Close(before.Mean!.Value + shift, after.Mean!.Value, tol), $"mean {before.Mean:R} + {shift} vs {after.Mean:R}");
            Assert.True(Close(before.Sd!.Value, after.Sd!.Value, 10 * tol), $"sd {before.Sd:R} vs {after.Sd:R}");
            Assert.True(Close(before.Ci95!.Lower + shift, after.Ci95!.Lower, 10 * tol), $"lower {before.Ci95} + {shift} vs {after.Ci95}");
            Assert.True(Close(before.Ci95.Upper + shift, after.Ci95.Upper, 10 * tol), $"upper {before.Ci95} + {shift} vs {after.Ci95}");
        }
    }

    [Fact]
    public void The_summary_does_not_depend_on_the_order_of_the_values() =>
        Props.ForAll(StudyGenerators.Values(2, 12), values =>
        {
            var reversed = CellStatistics.Summarize([.. values.Reverse()]);
            var summary = CellStatistics.Summarize(values);
            Assert.True(Close(summary.Mean!.Value, reversed.Mean!.Value, 1e-12 * (1 + Math.Abs(summary.Mean.Value))));
            Assert.True(Close(summary.Sd!.Value, reversed.Sd!.Value, 1e-10 * (1 + summary.Sd.Value)));
        }, maxTest: 100);

    [Fact]
    public void Below_two_values_there_is_no_sd_and_no_interval()
    {
        Assert.Equal(new CellSummary(0, null, null, null), CellStatistics.Summarize(Array.Empty<double>()));
        Assert.Equal(new CellSummary(1, 98.76, null, null), CellStatistics.Summarize([98.76]));
    }

    [Fact]
    public void Equal_values_have_sd_zero_and_the_degenerate_interval_at_their_value()
    {
        // 0.1 three times: sum/3 = 0.10000000000000002 in doubles, which would leave a spurious spread of one ulp.
        var s = CellStatistics.Summarize([0.1, 0.1, 0.1]);
        Assert.Equal(new CellSummary(3, 0.1, 0, new ConfidenceInterval(0.1, 0.1)), s);
    }

    [Fact]
    public void Known_values_match_independent_computations()
    {
        // t(0.975, 4): 2.776 in any printed t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2); to 2.7764451051977943578
        // by mpmath 1.3 (inverting the regularized incomplete beta at 40 digits); scipy.stats.t.ppf(0.975, 4) prints
        // 2.7764451051977987. The tolerance admits all three renderings of it and nothing that is a different number.
        Assert.True(Close(2.7764451051977987, StudentTDistribution.TwoSidedQuantile(0.95, 4), 1e-11));
        Assert.True(Close(2.2621571627982055, StudentTDistribution.TwoSidedQuantile(0.95, 9), 1e-11));  // table: 2.262

        // 1, 2, 3, 4, 5 by hand: mean 3; sd = √(10/4) = √2.5 = 1.5811388300841898; half-width t(0.975, 4)·sd/√5
        // = 2.7764451051977943·0.7071067811865476 = 1.9632431614775577.
        var s = CellStatistics.Summarize([1.0, 2, 3, 4, 5]);
        Assert.Equal(5, s.N);
        Assert.Equal(3.0, s.Mean);
        Assert.True(Close(1.5811388300841898, s.Sd!.Value, 1e-15));
        Assert.True(Close(1.0367568385224423, s.Ci95!.Lower, 1e-12), $"{s.Ci95}");
        Assert.True(Close(4.9632431614775577, s.Ci95.Upper, 1e-12), $"{s.Ci95}");
    }

    [Fact]
    public void A_non_finite_value_is_refused() =>
        Assert.Throws<ArgumentException>(() => CellStatistics.Summarize([1.0, double.NaN]));
}
