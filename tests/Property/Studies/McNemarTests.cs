using Norms.Property.Tests.Generators;
using FsCheck;
using FsCheck.Fluent;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

public sealed class McNemarTests
{
    private static void Same(int b, int c, double p, McNemarMethod method, McNemarResult actual)
    {
        Assert.Equal((b, c, method), (actual.B, actual.C, actual.Method));
        Assert.Equal(p, actual.P, 1e-13);
    }

    [Fact]
    public void Counts_are_a_right_b_wrong_and_a_wrong_b_right()
    {
        int[] labels = [0, 1, 2, 3, 4, 5, 6, 7];
        int[] a = [0, 1, 2, 3, 9, 9, 6, 9];   // wrong on 4, 5, 7
        int[] b = [0, 9, 9, 3, 4, 9, 8, 9];   // wrong on 1, 2, 5, 6, 7
        var r = McNemar.Test(a, b, labels);
        Assert.Equal((3, 1), (r.B, r.C));     // a alone right on 1, 2, 6; b alone right on 4; both wrong on 5, 7
        Assert.Equal((1, 3), (McNemar.Test(b, a, labels).B, McNemar.Test(b, a, labels).C));
    }

    [Fact]
    public void Exact_p_values_match_binomial_sums_by_hand()
    {
        // b = 6, c = 16 (the example of Wikipedia's "McNemar's test" article, which quotes exact p = 0.052):
        // 2·(C(22,0) + … + C(22,6))/2²² = 2·(1 + 22 + 231 + 1540 + 7315 + 26334 + 74613)/4194304 = 220112/4194304.
        // MathNet's Binomial.CDF goes through the incomplete beta, so agreement is to ~1e-14, not to the last bit.
        Same(6, 16, 220112.0 / 4194304, McNemarMethod.Exact, McNemar.FromCounts(6, 16));
        Assert.Equal(0.052478790283203125, McNemar.FromCounts(16, 6).P, 1e-13);
        // b = 1, c = 9: 2·(1 + 10)/1024 = 22/1024.
        Assert.Equal(22.0 / 1024, McNemar.FromCounts(1, 9).P, 1e-13);
        // b = 0, c = 3: 2/8; b = c: capped at 1; nothing discordant: 1.
        Assert.Equal(0.25, McNemar.FromCounts(0, 3).P, 1e-13);
        Assert.Equal(1.0, McNemar.FromCounts(5, 5).P);
        Assert.Equal(new McNemarResult(0, 0, 1, McNemarMethod.Exact), McNemar.FromCounts(0, 0));
        // 24 discordant: still exact. 2·(C(24,0) + … + C(24,7))/2²⁴ = 2·(1 + 24 + 276 + 2024 + 10626 + 42504 + 134596
        // + 346104)/16777216 = 1072310/16777216.
        Same(7, 17, 1072310.0 / 16777216, McNemarMethod.Exact, McNemar.FromCounts(7, 17));
    }

    [Fact]
    public void From_25_discordant_images_on_the_corrected_chi_square_is_used()
    {
        // b = 25, c = 10: χ² = (15 − 1)²/35 = 5.6; the χ²(1) tail is erfc(√(χ²/2)) = erfc(√2.8) = 0.017960477526078767
        // (mpmath 1.3, 40 digits).
        var r = McNemar.FromCounts(25, 10);
        Assert.Equal(McNemarMethod.ChiSquareCorrected, r.Method);
        Assert.Equal(0.017960477526078767, r.P, 1e-15);
        // b = 40, c = 20: χ² = 19²/60 = 6.0166…; erfc(√3.00833…) = 0.014171388254012330.
        Assert.Equal(0.014171388254012330, McNemar.FromCounts(40, 20).P, 1e-15);
        // b = c: no excess, χ² = 0, p = 1; 13 vs 12: the correction cancels the difference of 1.
        Assert.Equal(1.0, McNemar.FromCounts(20, 20).P);
        Assert.Equal(1.0, McNemar.FromCounts(13, 12).P);
        Assert.Equal(McNemarMethod.ChiSquareCorrected, McNemar.FromCounts(13, 12).Method);
        // A strong difference keeps a small, nonzero p.
        Assert.InRange(McNemar.FromCounts(900, 10).P, double.Epsilon, 1e-100);
    }

    [Fact]
    public void P_is_a_probability_symmetric_in_the_two_models_and_one_exactly_when_b_equals_c() =>
        Props.ForAll(from b in Gen.Choose(0, 80) from c in Gen.Choose(0, 80) select (b, c), t =>
        {
            var (ab, ba) = (McNemar.FromCounts(t.b, t.c), McNemar.FromCounts(t.c, t.b));
            Assert.InRange(ab.P, 0, 1);
            Assert.Equal(ab.P, ba.P);
            Assert.Equal(t.b + t.c < 25 ? McNemarMethod.Exact : McNemarMethod.ChiSquareCorrected, ab.Method);
            if (t.b == t.c) Assert.Equal(1.0, ab.P);
            else if (Math.Abs(t.b - t.c) > 1) Assert.True(ab.P < 1, $"b {t.b}, c {t.c}: p {ab.P:R}");
        }, maxTest: 300);

    [Fact]
    public void Predictions_and_labels_of_different_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => McNemar.Test([1, 2], [1, 2, 3], [1, 2]));
}
