using Norms.Studies;

namespace Norms.Property.Tests.Studies;

public sealed class HolmTests
{
    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Families) }, MaxTest = 300)]
    public void Adjusted_p_is_at_least_raw_at_most_one_and_monotone_in_the_raw_order(PValues family)
    {
        var (p, adj) = (family.P, Holm.Adjust(family.P));
        Assert.Equal(p.Length, adj.Length);
        for (var i = 0; i < p.Length; i++)
        {
            Assert.True(adj[i] >= p[i] && adj[i] <= 1, $"p {p[i]:R} adjusted to {adj[i]:R}");
            for (var j = 0; j < p.Length; j++)
                if (p[i] <= p[j]) Assert.True(adj[i] <= adj[j], $"p {p[i]:R} ≤ {p[j]:R} but adjusted {adj[i]:R} > {adj[j]:R}");
        }
    }

    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Families) }, MaxTest = 300)]
    public void The_smallest_is_adjusted_as_bonferroni_would_and_the_largest_never_below_its_raw_value(PValues family)
    {
        var (p, adj) = (family.P, Holm.Adjust(family.P));
        var smallest = Array.IndexOf(p, p.Min());
        Assert.Equal(Math.Min(1, p.Length * p[smallest]), adj[smallest]);
        Assert.Equal(adj.Max(), adj[Array.IndexOf(p, p.Max())]);
    }

    [Property(Arbitrary = new[] { typeof(StudyArbitraries.Families) }, MaxTest = 300)]
    public void Adjusted_p_below_alpha_rejects_exactly_what_holms_step_down_procedure_rejects(PValues family)
    {
        // Holm (1979) as written: walk the sorted p-values, reject H(i) while p(i) < α/(m − i + 1), stop at the first
        // that is not. Written independently of the adjustment, from the definition.
        foreach (var alpha in new[] { 0.01, 0.05, 0.2 })
        {
            var m = family.P.Length;
            var rejected = new bool[m];
            var order = Enumerable.Range(0, m).OrderBy(i => family.P[i]).ToArray();
            for (var k = 0; k < m && family.P[order[k]] * (m - k) < alpha; k++) rejected[order[k]] = true;
            var adj = Holm.Adjust(family.P);
            for (var i = 0; i < m; i++)
                Assert.True(rejected[i] == adj[i] < alpha, $"α {alpha}: p {family.P[i]:R} adjusted {adj[i]:R}, step-down rejects: {rejected[i]}");
        }
    }

    [Fact]
    public void A_worked_example_matches_the_hand_computation()
    {
        // Sorted: 0.005·4 = 0.02; 0.01·3 = 0.03; 0.03·2 = 0.06; 0.04·1 = 0.04, raised to the running max 0.06.
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02.
        var adj = Holm.Adjust([0.01, 0.04, 0.03, 0.005]);
        double[] expected = [0.03, 0.06, 0.06, 0.02];
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], adj[i], 1e-15);
        // Capped at 1: 0.4·3 = 1.2.
        Assert.Equal([1.0, 1.0, 1.0], Holm.Adjust([0.4, 0.5, 0.9]));
        Assert.Empty(Holm.Adjust([]));
    }

    [Fact]
    public void A_value_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Holm.Adjust([0.1, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Holm.Adjust([1.5]));
    }

    [Fact]
    public void A_family_adjusts_over_the_comparisons_with_a_p_value_and_keeps_its_order()
    {
        var tested = PairedComparison.OfDifferences([0.1, 0.3, 0.2, 0.25]);
        var zero = PairedComparison.OfDifferences([0.0, 0.0, 0.0]);
        var untested = PairedComparison.OfDifferences([0.4]);
        var judged = ComparisonFamily.Judge(MetricKind.FinalTestAcc, [tested, untested, zero]);
        Assert.Equal(3, judged.Count);
        // m = 2: the comparison with one pair is no test and does not count.
        Assert.Equal(Math.Min(1, 2 * tested.P!.Value), judged[0].PHolm);
        Assert.Null(judged[1].PHolm);
        Assert.Equal(Verdict.Insufficient, judged[1].Verdict);
        Assert.Equal(1.0, judged[2].PHolm);
        Assert.Equal([tested.P, null, 1.0], judged.Select(c => c.P));
    }
}
