using Norms.Studies;

namespace Norms.Property.Tests.Studies;

public sealed class PairedComparisonTests
{
    private static bool Close(double expected, double actual, double tolerance) => Math.Abs(expected - actual) <= tolerance;

    private static Observation[] Cell(params (ulong Seed, double Value)[] runs) => [.. runs.Select(r => new Observation(r.Seed, r.Value))];

    private static Comparison JudgeAlone(MetricKind metric, PairedDifference d) => ComparisonFamily.Judge(metric, [d]).Single();

    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Pairs) }, MaxTest = 300)]
    public void Swapping_a_and_b_negates_the_difference_mirrors_the_interval_keeps_p_and_flips_the_verdict(CellPair pair)
    {
        var ab = PairedComparison.Compare(pair.A, pair.B);
        var ba = PairedComparison.Compare(pair.B, pair.A);
        Assert.Equal(ab.NPairs, ba.NPairs);
        Assert.Equal(ab.MeanDiff is { } d ? -d : null, ba.MeanDiff);
        Assert.Equal(ab.SdDiff, ba.SdDiff);
        Assert.Equal(ab.P, ba.P);
        Assert.Equal(ab.Ci95 is { } ci ? new ConfidenceInterval(-ci.Upper, -ci.Lower) : null, ba.Ci95);
        var expected = JudgeAlone(pair.Metric, ab).Verdict switch
        {
            Verdict.Better => Verdict.Worse,
            Verdict.Worse => Verdict.Better,
            var same => same,
        };
        Assert.Equal(expected, JudgeAlone(pair.Metric, ba).Verdict);
    }

    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Pairs) }, MaxTest = 300)]
    public void Only_seeds_in_both_cells_are_paired_whatever_order_the_runs_come_in(CellPair pair)
    {
        var shared = pair.A.Select(o => o.Seed).Intersect(pair.B.Select(o => o.Seed)).Order().ToArray();
        var b = pair.B.ToDictionary(o => o.Seed, o => o.Value);
        var byHand = PairedComparison.OfDifferences([.. shared.Select(s => pair.A.Single(o => o.Seed == s).Value - b[s])]);
        Assert.Equal(shared.Length, PairedComparison.Compare(pair.A, pair.B).NPairs);
        Assert.Equal(byHand, PairedComparison.Compare(pair.A, pair.B));
        Assert.Equal(byHand, PairedComparison.Compare([.. pair.A.Reverse()], [.. pair.B.Reverse()]));
    }

    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Pairs) }, MaxTest = 300)]
    public void Interval_and_p_agree_zero_lies_outside_the_interval_exactly_when_p_is_below_five_percent(CellPair pair)
    {
        var d = PairedComparison.Compare(pair.A, pair.B);
        if (d.P is not { } p) return;
        Assert.InRange(p, 0, 1);
        Assert.True(d.Ci95!.Contains(d.MeanDiff!.Value));
        // Duality of the t-test and the t-interval (away from the boundary, where rounding may decide either way).
        if (Math.Abs(p - 0.05) > 1e-9) Assert.Equal(p < 0.05, !d.Ci95.Contains(0));
    }

    [Fact]
    public void Fewer_than_two_pairs_give_no_interval_no_p_and_an_insufficient_verdict()
    {
        var none = PairedComparison.Compare(Cell((1, 99.1), (2, 99.0)), Cell((3, 98.0), (4, 98.2)));
        Assert.Equal(new PairedDifference(0, null, null, null, null), none);
        var one = PairedComparison.Compare(Cell((1, 99.1), (2, 99.0)), Cell((2, 98.5), (4, 98.2)));
        Assert.Equal(1, one.NPairs);
        Assert.True(Close(0.5, one.MeanDiff!.Value, 1e-12));
        Assert.Null(one.Ci95);
        Assert.Null(one.P);
        foreach (var d in new[] { none, one })
            Assert.Equal(new Comparison(d.NPairs, d.MeanDiff, null, null, null, Verdict.Insufficient), JudgeAlone(MetricKind.FinalTestAcc, d));
    }

    [Fact]
    public void Equal_nonzero_differences_give_p_zero_the_degenerate_interval_and_a_verdict()
    {
        // Every seed moved by exactly 0.25 (exactly representable, so a − b is exact too).
        var a = Cell((1, 99.25), (2, 98.5), (3, 97.75));
        var b = Cell((1, 99.0), (2, 98.25), (3, 97.5));
        var d = PairedComparison.Compare(a, b);
        Assert.Equal(new PairedDifference(3, 0.25, 0, new ConfidenceInterval(0.25, 0.25), 0), d);
        Assert.Equal(Verdict.Better, JudgeAlone(MetricKind.FinalTestAcc, d).Verdict);
        Assert.Equal(Verdict.Worse, JudgeAlone(MetricKind.FinalTestLoss, d).Verdict);
    }

    [Fact]
    public void All_zero_differences_give_p_one_and_indistinguishable()
    {
        var a = Cell((1, 99.1), (2, 98.7), (3, 99.3));
        var d = PairedComparison.Compare(a, a);
        Assert.Equal(new PairedDifference(3, 0, 0, new ConfidenceInterval(0, 0), 1), d);
        Assert.Equal(new Comparison(3, 0, new ConfidenceInterval(0, 0), 1, 1, Verdict.Indistinguishable), JudgeAlone(MetricKind.FinalTestAcc, d));
    }

    [Fact]
    public void A_seed_twice_in_one_cell_is_refused() =>
        Assert.Throws<ArgumentException>(() => PairedComparison.Compare(Cell((1, 99.0), (1, 98.0)), Cell((1, 97.0))));

    [Fact]
    public void Students_sleep_data_gives_the_published_paired_t_test()
    {
        // Cushny & Peebles' sleep data as in Student (1908), "The probable error of a mean", and R's datasets::sleep:
        // extra hours of sleep under drug 1 (a) and drug 2 (b), patient = seed. R 4.x prints for
        // t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9, p-value = 0.002833,
        // 95 percent confidence interval -2.4598858 -0.7001142, mean difference -1.58.
        // By hand: d = -1.2 -2.4 -1.3 -1.3 0 -1.0 -1.8 -0.8 -4.6 -1.4, sum -15.8, mean -1.58; Σ(d − mean)² = 13.616,
        // sd = √(13.616/9) = 1.2299954832798732; t = -1.58/(sd/√10) = -4.062127683382036. More digits from mpmath 1.3
        // (p = I_{9/(9+t²)}(9/2, 1/2) at 40 digits): p = 0.0028328901973842727, interval
        // [-2.4598857632769828, -0.70011423672301720].
        double[] drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        double[] drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        var d = PairedComparison.Compare(
            [.. drug1.Select((v, i) => new Observation((ulong)i, v))], [.. drug2.Select((v, i) => new Observation((ulong)i, v))]);
        Assert.Equal(10, d.NPairs);
        Assert.True(Close(-1.58, d.MeanDiff!.Value, 1e-14));
        Assert.True(Close(1.2299954832798732, d.SdDiff!.Value, 1e-14));
        Assert.True(Close(0.002833, d.P!.Value, 5e-7), $"p {d.P:R}");                       // R's printed digits
        Assert.True(Close(0.0028328901973842727, d.P.Value, 1e-14), $"p {d.P:R}");
        Assert.True(Close(-2.4598858, d.Ci95!.Lower, 5e-8) && Close(-0.7001142, d.Ci95.Upper, 5e-8), $"{d.Ci95}");
        Assert.True(Close(-2.4598857632769828, d.Ci95.Lower, 1e-12) && Close(-0.7001142367230172, d.Ci95.Upper, 1e-12), $"{d.Ci95}");
        // Drug 1 gives less extra sleep: read as an accuracy, a is worse.
        Assert.Equal(Verdict.Worse, JudgeAlone(MetricKind.FinalTestAcc, d).Verdict);
    }

    [Fact]
    public void A_large_t_keeps_a_small_but_nonzero_p()
    {
        // Differences 1 ± 1e-6: t ≈ 1e6·√n; 2·(1 − CDF(t)) would round to 0, the lower tail keeps p > 0.
        var d = PairedComparison.OfDifferences([1 - 1e-6, 1 + 1e-6, 1 - 1e-6, 1 + 1e-6, 1.0, 1.0]);
        Assert.True(d.P > 0 && d.P < 1e-20, $"p {d.P:R}");
    }
}
